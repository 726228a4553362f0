import { describe, expect, it } from 'vitest';
import { maxRankError, normalValues, uniformValues } from './__fixtures__/test-data.js';
import { KllSketch, kllRankError } from './kll-sketch.js';

function sketchOf(values: Float64Array, seed: number, chunk = 8192): KllSketch {
  const s = new KllSketch({ seed });
  for (let i = 0; i < values.length; i += chunk) {
    const part = values.subarray(i, i + chunk);
    s.updateMany(part, part.length);
  }
  return s;
}

describe('KllSketch', () => {
  const bound = kllRankError(200);

  it('documents a 1.8 % rank error at k = 200', () => {
    expect(bound).toBeGreaterThan(0.017);
    expect(bound).toBeLessThan(0.019);
  });

  it('is exact while it holds every value', () => {
    const values = uniformValues(300, 1);
    const s = sketchOf(values, 1);
    expect(s.retainedItems).toBe(300);
    const sorted = Float64Array.from(values).sort();
    expect(s.quantile(0.5)).toBe(sorted[149]);
    expect(s.quantile(0)).toBe(sorted[0]);
    expect(s.quantile(1)).toBe(sorted[299]);
    expect(s.rank(sorted[99]!)).toBeCloseTo(100 / 300, 12);
  });

  it.each([
    ['uniform', uniformValues(200_000, 11)],
    ['normal', normalValues(200_000, 12)],
    ['sorted', Float64Array.from({ length: 200_000 }, (_, i) => i)],
    ['reversed', Float64Array.from({ length: 200_000 }, (_, i) => -i)],
    ['few distinct', Float64Array.from({ length: 200_000 }, (_, i) => i % 7)],
  ])('keeps rank error within the bound on %s input', (_name, values) => {
    for (const seed of [1, 2, 3]) {
      const s = sketchOf(values, seed);
      expect(s.count).toBe(values.length);
      expect(maxRankError((x) => s.rank(x), values)).toBeLessThanOrEqual(bound);
    }
  });

  it('samples large inputs and still meets the bound', () => {
    const values = normalValues(2_000_000, 21);
    const s = sketchOf(values, 5, 65536);
    expect(s.retainedItems).toBeLessThan(2000);
    expect(s.toJSON().blockSize).toBeGreaterThan(1);
    expect(maxRankError((x) => s.rank(x), values)).toBeLessThanOrEqual(bound);
  });

  it('merges partitions within the bound, in any grouping', () => {
    const values = uniformValues(400_000, 31);
    const parts = [0, 1, 2, 3, 4].map((p) =>
      sketchOf(values.subarray(p * 80_000, (p + 1) * 80_000), 100 + p),
    );
    const left = parts.slice(1).reduce((acc, p) => acc.merge(p), parts[0]!.clone());
    const right = parts[0]!
      .clone()
      .merge(parts.slice(2).reduce((acc, p) => acc.merge(p), parts[1]!.clone()));
    for (const merged of [left, right]) {
      expect(merged.count).toBe(values.length);
      const sorted = Float64Array.from(values).sort();
      expect(merged.min).toBe(sorted[0]);
      expect(merged.max).toBe(sorted[sorted.length - 1]);
      expect(maxRankError((x) => merged.rank(x), values)).toBeLessThanOrEqual(bound);
    }
  });

  it('is deterministic for a seed and round-trips through JSON exactly', () => {
    const values = normalValues(100_000, 41);
    const a = sketchOf(values, 9);
    const b = sketchOf(values, 9);
    expect(a.toJSON()).toEqual(b.toJSON());
    const json = JSON.parse(JSON.stringify(a));
    expect(KllSketch.fromJSON(json).toJSON()).toEqual(a.toJSON());
    expect(KllSketch.fromJSON(json).quantile(0.3)).toBe(a.quantile(0.3));
  });

  it('answers undefined when empty and rejects bad arguments', () => {
    const s = new KllSketch();
    expect(s.quantile(0.5)).toBeUndefined();
    expect(s.rank(1)).toBeUndefined();
    s.update(1);
    expect(() => s.quantile(1.5)).toThrow(/quantile must be in \[0, 1\]/);
    expect(() => new KllSketch({ k: 3 })).toThrow(/integer in \[8, 65535\]/);
  });
});
