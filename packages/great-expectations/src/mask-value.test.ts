import { describe, expect, it } from 'vitest';
import { maskValue, sanitizeJson, stringShape } from './mask-value.js';

describe('maskValue', () => {
  it('describes strings by length and collapsed character shape', () => {
    expect(stringShape('john.doe@gmail.com')).toBe('a.a@a.a');
    expect(stringShape('ZONE9')).toBe('A9');
    expect(stringShape('2024-04-30 23:58:00')).toBe('9-9-9_9:9:9');
    expect(stringShape('Ünïcødé Straße 12')).toBe('Aa_Aa_9');
    expect(maskValue('john.doe@gmail.com')).toBe('<string len=18 shape=a.a@a.a>');
    expect(maskValue('')).toBe('<string len=0 shape=>');
  });

  it('bounds the shape of long strings', () => {
    const shape = stringShape('a-'.repeat(100));
    expect(shape.length).toBeLessThanOrEqual(33);
    expect(shape.endsWith('…')).toBe(true);
  });

  it('says where numbers fall against the bounds without giving them', () => {
    expect(maskValue(-5, { min: 0, max: 500 })).toBe('<number below min_value>');
    expect(maskValue(812.5, { min: 0, max: 500 })).toBe('<number above max_value>');
    expect(maskValue(3, { min: 0 })).toBe('<number within bounds>');
    expect(maskValue(3)).toBe('<number>');
    expect(maskValue(Number.NaN)).toBe('<number NaN>');
  });

  it('describes the other JSON types', () => {
    expect(maskValue(null)).toBe('null');
    expect(maskValue(true)).toBe('<boolean>');
    expect(maskValue([1, 2])).toBe('<array len=2>');
    expect(maskValue({ a: 1 })).toBe('<object keys=1>');
  });
});

describe('sanitizeJson', () => {
  it('keeps numbers, booleans, null and strings the suite names; masks other strings', () => {
    const known = new Set(['card']);
    expect(sanitizeJson({ v: ['card', 'crypto', 1.5, true, null] }, { known })).toEqual({
      v: ['card', '<string len=6 shape=a>', 1.5, true, null],
    });
  });

  it('shortens long arrays and wide objects', () => {
    const out = sanitizeJson(Array.from({ length: 25 }, (_, i) => i)) as unknown[];
    expect(out).toHaveLength(21);
    expect(out[20]).toBe('<5 more>');
    const wide = sanitizeJson(
      Object.fromEntries(Array.from({ length: 22 }, (_, i) => [`k${i}`, i])),
    ) as Record<string, unknown>;
    expect(Object.keys(wide)).toHaveLength(21);
    expect(wide['…']).toBe('<2 more keys>');
    expect(sanitizeJson(Number.POSITIVE_INFINITY)).toBe('Infinity');
  });
});
