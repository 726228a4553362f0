import { describe, expect, it } from 'vitest';
import { ibanValid, luhnValid } from './_checksums.js';
import { findPii, SECRET_KINDS, shannonEntropy } from './find-pii.js';

const kinds = (text: string) => findPii(text).map((m) => m.kind);

describe('checksums', () => {
  it('validates Luhn and rejects a changed digit', () => {
    expect(luhnValid('4242424242424242')).toBe(true);
    expect(luhnValid('4242424242424241')).toBe(false);
    expect(luhnValid('79927398713')).toBe(true);
  });
  it('validates IBANs by country length and mod 97', () => {
    expect(ibanValid('DE89 3704 0044 0532 0130 00')).toBe(true);
    expect(ibanValid('GB82WEST12345698765432')).toBe(true);
    expect(ibanValid('GB82WEST12345698765433')).toBe(false);
    expect(ibanValid('DE89370400440532013')).toBe(false);
    expect(ibanValid('ZZ89370400440532013000')).toBe(false);
  });
});

describe('findPii', () => {
  it('finds each kind and masks it', () => {
    const cases: [string, string, string][] = [
      ['mail john.doe@example.com now', 'email', 'j***@e***.com'],
      ['call +1 (415) 555-0132', 'phone', '+* (***) ***-**32'],
      ['card 4242 4242 4242 4242', 'payment-card', '**** **** **** 4242'],
      ['ssn 123-45-6789', 'us-ssn', '***-**-6789'],
      ['iban DE89 3704 0044 0532 0130 00 ABC', 'iban', 'DE****************3000'],
      ['from 10.1.2.3', 'ip-address', '10.*.*.*'],
      ['host 2001:db8::8a2e:370:7334', 'ip-address', '2001:****'],
      ['key AKIAIOSFODNN7EXAMPLE', 'aws-access-key', 'AKIA********… (20 chars)'],
      ['ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'github-token', 'ghp_********… (40 chars)'],
      ['xoxb-123456789012-abcdefghijkl', 'slack-token', 'xoxb-********… (30 chars)'],
    ];
    for (const [text, kind, masked] of cases) {
      const found = findPii(text);
      expect(
        found.map((m) => m.kind),
        text,
      ).toEqual([kind]);
      expect(found[0]?.masked).toBe(masked);
    }
  });

  it('finds JWTs, private keys and high-entropy tokens without revealing them', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlX2J5dGVz';
    const key =
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAvx\n-----END RSA PRIVATE KEY-----';
    const token = 'Zk3xQ9vLp2ZtR8wYb1NcD4mHs6JgU0eA';
    const found = findPii(`${jwt} ${key} secret=${token}`);
    expect(found.map((m) => m.kind)).toEqual(['jwt', 'private-key', 'high-entropy']);
    const text = JSON.stringify(found);
    expect(text).not.toContain('MIIEpAIBAAKCAQEAvx');
    expect(text).not.toContain(token);
    expect(text).not.toContain('c2lnbmF0dXJlX2J5dGVz');
  });

  it('does not report look-alikes', () => {
    expect(kinds('order 4242 4242 4242 4241')).toEqual([]); // Luhn fails
    expect(kinds('total 10 000 000 000 EUR')).toEqual([]); // thousands separators
    expect(kinds('on 2024-01-15 at 12:30:45')).toEqual([]); // date and time
    expect(kinds('id 123e4567-e89b-12d3-a456-426614174000')).toEqual([]); // UUID
    expect(kinds('user_profile_image_thumbnail_large')).toEqual([]); // low entropy
    expect(kinds('GB82WEST12345698765433')).toEqual([]); // IBAN checksum fails
    expect(kinds('eyJub3QiOiJqc29uIn0.eyJzdWIiOiIxIn0.abcdefgh')).not.toContain('jwt'); // no alg/typ
  });

  it('keeps one kind per character and honours the kinds option', () => {
    expect(kinds('mail a.b@corp.example.org')).toEqual(['email']);
    expect(findPii('john@example.com 4242424242424242', { kinds: ['payment-card'] })).toHaveLength(
      1,
    );
  });

  it('computes Shannon entropy in bits per character', () => {
    expect(shannonEntropy('aaaa')).toBe(0);
    expect(shannonEntropy('abcd')).toBe(2);
  });
});

describe('SECRET_KINDS', () => {
  it('holds the credential kinds only', () => {
    expect([...SECRET_KINDS]).toEqual([
      'aws-access-key',
      'google-api-key',
      'private-key',
      'github-token',
      'slack-token',
      'jwt',
      'high-entropy',
    ]);
  });
});
