import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCheck } from './check.js';
import { definePlugin, pluginProblems } from './plugin.js';

const good = defineCheck({
  meta: {
    id: 'demo.ok',
    title: 'ok',
    description: 'd',
    category: 'privacy',
    defaultSeverity: 'low',
    taxonomy: { owasp: ['ML04'], atlas: ['AML.T0024.000'] },
    requires: ['run'],
    options: z.object({}),
  },
  run: () => {},
});

describe('pluginProblems', () => {
  it('accepts a well-formed plugin', () => {
    expect(pluginProblems(definePlugin({ name: 'p', version: '1.0.0', checks: [good] }))).toEqual(
      [],
    );
  });

  it('names each wrong field of a hand-written plugin', () => {
    const bad = {
      name: 'p',
      version: 1,
      checks: [
        {
          meta: {
            ...good.meta,
            id: 'NoDots',
            category: 'security',
            requires: ['table'],
            taxonomy: { owasp: ['ML11'] },
          },
          run: 1,
        },
        'not a check',
      ],
    };
    const problems = pluginProblems(bad);
    expect(problems).toEqual([
      'version must be a string',
      'checks[0] (NoDots).meta.id must be dotted lower-case words, e.g. "data.drift"',
      'checks[0] (NoDots).run must be a function',
      expect.stringContaining('checks[0] (NoDots).meta.category must be one of data-integrity'),
      expect.stringContaining('checks[0] (NoDots).meta.requires must list input kinds'),
      'checks[0] (NoDots).meta.taxonomy: OWASP ML Top 10 id "ML11" is not one of ML01…ML10',
      'checks[1] must be { meta, run } (use defineCheck)',
    ]);
  });
});
