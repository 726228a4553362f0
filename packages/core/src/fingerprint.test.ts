import { describe, expect, it } from 'vitest';
import { fingerprint } from './fingerprint.js';

describe('fingerprint', () => {
  it('is stable and ignores offsets and rows', () => {
    const a = fingerprint(
      'r',
      { uri: 'm.pkl', member: 'data.pkl', offset: 10, rows: [1] },
      'os.system',
    );
    const b = fingerprint(
      'r',
      { uri: 'm.pkl', member: 'data.pkl', offset: 99, rows: [2] },
      'os.system',
    );
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{32}$/);
  });
  it('differs by rule, place and key', () => {
    const base = fingerprint('r', { uri: 'm.pkl' }, 'k');
    expect(fingerprint('r2', { uri: 'm.pkl' }, 'k')).not.toBe(base);
    expect(fingerprint('r', { uri: 'n.pkl' }, 'k')).not.toBe(base);
    expect(fingerprint('r', { uri: 'm.pkl' }, 'k2')).not.toBe(base);
    expect(fingerprint('r', { uri: 'm.pkl', column: 'c' }, 'k')).not.toBe(base);
  });
});
