import { describe, expect, it } from 'vitest';
import { createRandom } from '../stats/_random.js';
import { binomial, multinomial } from './_binomial.js';

/** Binomial probabilities by the ratio recursion, in log space (exact enough for n ≤ 10^4). */
function pmf(n: number, p: number): Float64Array {
  const out = new Float64Array(n + 1);
  let log = n * Math.log1p(-p);
  out[0] = Math.exp(log);
  for (let k = 0; k < n; k++) {
    log += Math.log((n - k) / (k + 1)) + Math.log(p / (1 - p));
    out[k + 1] = Math.exp(log);
  }
  return out;
}

/** Pearson's statistic over bins with expected counts ≥ 5 (tails pooled) and its degrees of freedom. */
function chiSquare(draws: number[], n: number, p: number) {
  const probs = pmf(n, p);
  const observed = new Float64Array(n + 1);
  for (const x of draws) observed[x] = (observed[x] as number) + 1;
  let stat = 0;
  let bins = 0;
  let e = 0;
  let o = 0;
  for (let k = 0; k <= n; k++) {
    e += (probs[k] as number) * draws.length;
    o += observed[k] as number;
    if (e >= 5 || k === n) {
      stat += ((o - e) * (o - e)) / Math.max(e, 1e-12);
      bins++;
      e = 0;
      o = 0;
    }
  }
  return { stat, df: bins - 1 };
}

describe('binomial', () => {
  it.each([
    [40, 0.1],
    [100, 0.3],
    [1000, 0.05],
    [5000, 0.5],
    [2000, 0.93],
  ])('matches the Binomial(%i, %f) distribution (Pearson test on 40 000 draws)', (n, p) => {
    const random = createRandom(n + Math.round(p * 1000));
    const draws = Array.from({ length: 40_000 }, () => binomial(n, p, random));
    expect(draws.every((x) => Number.isInteger(x) && x >= 0 && x <= n)).toBe(true);
    const { stat, df } = chiSquare(draws, n, p);
    // Far beyond the 0.999 quantile of chi-square(df) only when the sampler is wrong.
    expect(stat).toBeLessThan(df + 5 * Math.sqrt(2 * df) + 10);
  });

  it('has the right mean and variance for large n (the BTRD branch)', () => {
    const random = createRandom(5);
    const n = 10_000_000;
    const p = 0.013;
    const draws = Float64Array.from({ length: 20_000 }, () => binomial(n, p, random));
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    const variance = draws.reduce((a, b) => a + (b - mean) ** 2, 0) / (draws.length - 1);
    const sd = Math.sqrt(n * p * (1 - p));
    expect(Math.abs(mean - n * p)).toBeLessThan((5 * sd) / Math.sqrt(draws.length));
    expect(variance / (sd * sd)).toBeGreaterThan(0.95);
    expect(variance / (sd * sd)).toBeLessThan(1.05);
  });

  it('handles the edges', () => {
    const random = createRandom(1);
    expect(binomial(0, 0.5, random)).toBe(0);
    expect(binomial(10, 0, random)).toBe(0);
    expect(binomial(10, 1, random)).toBe(10);
  });
});

describe('multinomial', () => {
  it('keeps the total, leaves empty cells empty and follows the weights', () => {
    const random = createRandom(9);
    const weights = Float64Array.from([500, 0, 300, 200, 0]);
    const out = new Float64Array(5);
    const sums = new Float64Array(5);
    for (let b = 0; b < 2000; b++) {
      multinomial(weights, 1000, random, out);
      expect(out.reduce((a, c) => a + c, 0)).toBe(1000);
      expect(out[1]).toBe(0);
      expect(out[4]).toBe(0);
      for (let i = 0; i < 5; i++) sums[i] = (sums[i] as number) + (out[i] as number);
    }
    expect((sums[0] as number) / 2000).toBeCloseTo(500, -1);
    expect((sums[2] as number) / 2000).toBeCloseTo(300, -1);
  });
});
