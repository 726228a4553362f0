import { describe, expect, it } from 'vitest';
import { createRandom } from '../stats/_random.js';
import { numericDrift } from './numeric-drift.js';

function gaussian(seed: number) {
  const random = createRandom(seed);
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

const shapes: Record<string, (g: () => number, shift: number) => number> = {
  normal: (g, shift) => g() + shift,
  'few distinct values': (g, shift) => Math.round(2 * g() + shift),
  lognormal: (g, shift) => Math.exp(2 * g() + shift),
  'rare huge outliers': (g, shift) => {
    const v = g();
    return Math.abs(v) > 3.3 ? v * 1e9 : v + shift;
  },
  'large offset, small spread': (g, shift) => 1e6 + 1e-3 * (g() + shift),
};

const base = { ksMethod: 'auto', psiBins: 10, psiFloor: 1e-4, seed: 7 } as const;

describe('numericDrift', () => {
  for (const [name, shape] of Object.entries(shapes)) {
    for (const shift of [0, 0.05]) {
      it(`${name}, shift ${shift}: the binned engine is exact, and sketch bounds hold`, () => {
        const g = gaussian(name.length * 31 + shift * 100);
        const ref = Float64Array.from({ length: 180_000 }, () => shape(g, 0));
        const cur = Float64Array.from({ length: 150_000 }, () => shape(g, shift));
        const sorted = numericDrift(ref, cur, {
          ...base,
          mode: 'exact',
          sortBelow: Number.POSITIVE_INFINITY,
        });
        // Chunked input, as the check passes record batches.
        const chunks = (a: Float64Array) => [a.subarray(0, 70_000), a.subarray(70_000)];
        const binned = numericDrift(chunks(ref), chunks(cur), {
          ...base,
          mode: 'exact',
          sortBelow: 0,
        });
        expect(binned.ks).toEqual(sorted.ks);
        expect(binned.psi).toBe(sorted.psi);
        expect(Math.abs(binned.referenceStd - sorted.referenceStd)).toBeLessThanOrEqual(
          1e-14 * sorted.referenceStd,
        );
        expect(
          Math.abs(binned.wassersteinDistance - sorted.wassersteinDistance),
        ).toBeLessThanOrEqual(1e-12 * sorted.wassersteinDistance);
        const sketch = numericDrift(ref, cur, { ...base, mode: 'sketch' });
        const bounds = sketch.bounds;
        expect(bounds).toBeDefined();
        if (bounds === undefined) return;
        const exact = sorted;
        expect(exact.ks.statistic).toBeGreaterThanOrEqual(sketch.ks.statistic);
        expect(exact.ks.statistic).toBeLessThanOrEqual(
          sketch.ks.statistic + bounds.ksStatistic + 1e-15,
        );
        expect(exact.ks.pValue).toBeGreaterThanOrEqual(bounds.ksPValue[0]);
        expect(exact.ks.pValue).toBeLessThanOrEqual(bounds.ksPValue[1]);
        const slackW = 1e-12 * exact.wassersteinDistance;
        expect(exact.wassersteinDistance).toBeGreaterThanOrEqual(
          sketch.wassersteinDistance - slackW,
        );
        expect(exact.wassersteinDistance).toBeLessThanOrEqual(
          sketch.wassersteinDistance + bounds.wassersteinDistance + slackW,
        );
        expect(exact.psi).toBeGreaterThanOrEqual(bounds.psi[0] - 1e-15);
        expect(exact.psi).toBeLessThanOrEqual(bounds.psi[1] + 1e-15);
      });
    }
  }

  it('rejects an empty sample', () => {
    expect(() =>
      numericDrift(new Float64Array(0), new Float64Array([1]), { ...base, mode: 'exact' }),
    ).toThrow('the reference sample is empty');
  });
});
