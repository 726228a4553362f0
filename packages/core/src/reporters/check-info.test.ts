import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { CheckMeta } from '../check.js';
import { checkInfo } from './check-info.js';
import type { CheckInfo } from './reporter.js';

describe('checkInfo', () => {
  it('keeps what reporters use and drops options, inputs and timeouts', () => {
    const info: CheckInfo = {
      id: 'data.x',
      title: 'X',
      description: 'Finds x.',
      category: 'drift',
      defaultSeverity: 'low',
      taxonomy: { owasp: ['ML08'] },
      rules: { y: { title: 'Y' } },
    };
    const meta: CheckMeta = { ...info, requires: ['dataset'], options: z.object({}), timeoutMs: 5 };
    expect(checkInfo(meta)).toEqual(info);
    const { rules: _rules, ...bare } = meta;
    expect(checkInfo({ ...bare, docs: 'docs/x.md' })).toEqual({
      ...checkInfo(bare),
      docs: 'docs/x.md',
    });
    expect(checkInfo(bare)).not.toHaveProperty('rules');
  });
});
