import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCheck } from '../check.js';
import { CheckTester } from './check-tester.js';

const check = defineCheck({
  meta: {
    id: 'demo.words',
    title: 'Forbidden words',
    description: 'Reports forbidden words in run params.',
    category: 'privacy',
    defaultSeverity: 'medium',
    taxonomy: {},
    requires: ['run'],
    options: z.object({ words: z.array(z.string()).default(['secret']) }),
  },
  run(ctx) {
    for (const [key, value] of Object.entries(ctx.inputs.run.params)) {
      if (ctx.options.words.some((w) => value.includes(w))) {
        ctx.report({
          rule: 'word',
          message: `param ${key} holds a forbidden word`,
          location: { uri: 'run', field: key },
        });
      }
    }
    ctx.metric('params', Object.keys(ctx.inputs.run.params).length);
  },
});

const run = (params: Record<string, string>) => ({
  run: { source: 's', id: 'r', params, tags: {} },
});

describe('CheckTester', () => {
  const tester = new CheckTester(check);

  it('passes when the expectation holds', async () => {
    await tester.expect(
      { inputs: run({ a: 'my secret', b: 'ok' }) },
      {
        status: 'fail',
        findings: [
          { rule: 'word', severity: 'medium', message: 'param a', location: { field: 'a' } },
        ],
        metrics: { params: 2 },
      },
    );
    await tester.expect(
      { inputs: run({ a: 'x' }), options: { words: ['x'] } },
      { findings: [{ rule: 'word' }] },
    );
  });

  it('throws an assertion error listing every difference', async () => {
    const err = await tester
      .expect(
        { inputs: run({ a: 'ok' }) },
        { status: 'fail', findings: [{ rule: 'word' }], metrics: { params: 5 } },
      )
      .then(
        () => new Error('no error'),
        (e: unknown) => e as Error,
      );
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toContain('status is pass, expected fail');
    expect(err.message).toContain('0 findings, expected 1');
    expect(err.message).toContain('metric params is 1, expected 5');
  });

  it('reports a skip when inputs are missing', async () => {
    const result = await tester.run({});
    expect(result.status).toBe('skip');
  });
});
