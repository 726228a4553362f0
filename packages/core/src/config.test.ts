import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCheck } from './check.js';
import { checkSettingsFrom, checksOf, validateConfig } from './config.js';
import { definePlugin } from './plugin.js';

describe('validateConfig', () => {
  it('accepts a full configuration', () => {
    const config = validateConfig(
      {
        plugins: ['./plugin.mjs'],
        inputs: { dataset: 'data.csv' },
        checks: {
          'data.drift': { severity: 'low', options: { threshold: 0.2 } },
          'data.pii': 'off',
        },
        policy: {
          failOn: 'medium',
          suppressions: [{ checkId: 'data.pii', reason: 'synthetic data' }],
        },
        outputs: [{ format: 'sarif', path: 'out.sarif' }],
        seed: 3,
      },
      'mlwarden.config.json',
    );
    expect(checkSettingsFrom(config)).toEqual({
      'data.drift': { severity: 'low', options: { threshold: 0.2 } },
      'data.pii': { enabled: false },
    });
  });

  it('names unknown keys and bad values with the allowed ones', () => {
    let message = '';
    try {
      validateConfig(
        { policy: { failOn: 'severe' }, checks: { x: { severity: 'huge' } }, inptus: {} },
        'cfg.yaml',
      );
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('cfg.yaml is not a valid mlwarden configuration');
    expect(message).toContain('unknown key "inptus"');
    expect(message).toMatch(/policy\.failOn: .*"critical"/);
    expect(message).toContain('checks.x.severity');
  });

  it('rejects a suppression without a reason', () => {
    expect(() => validateConfig({ policy: { suppressions: [{ checkId: 'a' }] } }, 'c')).toThrow(
      /policy\.suppressions\[0\]\.reason/,
    );
  });
});

describe('checksOf', () => {
  const check = defineCheck({
    meta: {
      id: 'x.one',
      title: 't',
      description: 'd',
      category: 'drift',
      defaultSeverity: 'low',
      taxonomy: {},
      requires: [],
      options: z.object({}),
    },
    run: () => {},
  });
  it('names both plugins when they define the same check', () => {
    const a = definePlugin({ name: 'a', version: '1', checks: [check] });
    const b = definePlugin({ name: 'b', version: '1', checks: [check] });
    expect(checksOf([a])).toHaveLength(1);
    expect(() => checksOf([a, b])).toThrow(/plugin "a" and plugin "b"/);
  });
});
