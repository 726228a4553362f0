import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { redact, redactDeep } from './redact.js';

describe('redact', () => {
  it('hides well-known credential formats', () => {
    const samples = [
      'AKIAIOSFODNN7EXAMPLE',
      `ghp_${'a'.repeat(36)}`,
      'xoxb-123456789012-abcdefghijkl',
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----',
    ];
    for (const s of samples) expect(redact(`value=${s};`)).toBe('value=[REDACTED];');
  });

  it('keeps the scheme of authorization headers and the user of URLs', () => {
    expect(redact('Authorization: Bearer abc.def-ghi_jkl')).toBe(
      'Authorization: Bearer [REDACTED]',
    );
    expect(redact('http://admin:s3cret@127.0.0.1:5000/api')).toBe(
      'http://admin:[REDACTED]@127.0.0.1:5000/api',
    );
  });

  it('hides configured literals everywhere in a value', () => {
    expect(redactDeep({ a: ['tok-123456'], b: 'x tok-123456 y', n: 3 }, ['tok-123456'])).toEqual({
      a: ['[REDACTED]'],
      b: 'x [REDACTED] y',
      n: 3,
    });
  });

  it('is applied by the logger', () => {
    const lines: string[] = [];
    const log = createLogger({
      level: 'debug',
      write: (l) => lines.push(l),
      secrets: ['pw-secret'],
    });
    log.child('mlflow').info('login pw-secret AKIAIOSFODNN7EXAMPLE');
    log.debug('dropped? no');
    expect(lines).toEqual(['[mlflow] info: login [REDACTED] [REDACTED]', 'debug: dropped? no']);
  });
});
