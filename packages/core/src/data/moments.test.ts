import { describe, expect, it } from 'vitest';
import { normalValues, relativeDifference } from './__fixtures__/test-data.js';
import { Moments } from './moments.js';

function exactMoments(values: Float64Array) {
  // Reference in two passes with Kahan-compensated sums.
  let sum = 0;
  let c = 0;
  for (const v of values) {
    const y = v - c;
    const t = sum + y;
    c = t - sum - y;
    sum = t;
  }
  const mean = sum / values.length;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (const v of values) {
    const d = v - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  return { mean, m2, m3, m4 };
}

describe('Moments', () => {
  const values = normalValues(100_000, 7, 3, 2);

  it('matches a two-pass reference', () => {
    const m = new Moments();
    m.addValues(values, values.length);
    const ref = exactMoments(values);
    expect(m.n).toBe(values.length);
    expect(relativeDifference(m.mean, ref.mean)).toBeLessThan(1e-12);
    expect(relativeDifference(m.m2, ref.m2)).toBeLessThan(1e-12);
    expect(relativeDifference(m.m4, ref.m4)).toBeLessThan(1e-12);
    expect(Math.abs(m.m3 - ref.m3) / ref.m2 ** 1.5).toBeLessThan(1e-9);
  });

  it('gives the same answer split into batches and merged (any grouping)', () => {
    const whole = new Moments();
    whole.addValues(values, values.length);
    for (const parts of [2, 7, 100, 1000]) {
      const pieces: Moments[] = [];
      const size = Math.ceil(values.length / parts);
      for (let i = 0; i < values.length; i += size) {
        const m = new Moments();
        const chunk = values.subarray(i, i + size);
        m.addValues(chunk, chunk.length);
        pieces.push(m);
      }
      const left = pieces.reduce((acc, p) => acc.merge(p), new Moments());
      const right = pieces.reduceRight((acc, p) => p.clone().merge(acc), new Moments());
      for (const merged of [left, right]) {
        expect(merged.n).toBe(whole.n);
        expect(relativeDifference(merged.mean, whole.mean)).toBeLessThan(1e-12);
        expect(relativeDifference(merged.m2, whole.m2)).toBeLessThan(1e-12);
        expect(relativeDifference(merged.m4, whole.m4)).toBeLessThan(1e-12);
        expect(Math.abs(merged.skewness! - whole.skewness!)).toBeLessThan(1e-12);
        expect(Math.abs(merged.excessKurtosis! - whole.excessKurtosis!)).toBeLessThan(1e-12);
      }
    }
  });

  it('stays accurate for a large offset with a small spread (no cancellation)', () => {
    const shifted = normalValues(50_000, 3, 1e9, 1e-3);
    const m = new Moments();
    for (let i = 0; i < shifted.length; i += 4096) {
      const chunk = shifted.subarray(i, i + 4096);
      m.addValues(chunk, chunk.length);
    }
    const ref = exactMoments(shifted);
    expect(relativeDifference(m.variance!, ref.m2 / shifted.length)).toBeLessThan(1e-6);
    expect(m.variance!).toBeGreaterThan(0.9e-6);
    expect(m.variance!).toBeLessThan(1.1e-6);
  });

  it('does not overflow for values near the float64 limit', () => {
    const big = Float64Array.from([1.7e308, 1.7e308, 1.6e308]);
    const m = new Moments();
    m.addValues(big, big.length);
    expect(Number.isFinite(m.mean)).toBe(true);
    expect(relativeDifference(m.mean, (1.7e308 / 3) * 2 + 1.6e308 / 3)).toBeLessThan(1e-12);
  });

  it('round-trips through JSON exactly', () => {
    const m = new Moments();
    m.addValues(values, 1000);
    expect(Moments.fromJSON(JSON.parse(JSON.stringify(m))).toJSON()).toEqual(m.toJSON());
  });

  it('reports undefined statistics when empty or constant', () => {
    const m = new Moments();
    expect(m.variance).toBeUndefined();
    m.addValues(Float64Array.from([5, 5, 5]), 3);
    expect(m.variance).toBe(0);
    expect(m.skewness).toBeUndefined();
  });
});
