/** Seeded data for the data layer's tests (not exported from the package). */
import { SeededRandom } from '../_random.js';

export function uniformValues(n: number, seed: number, scale = 1, shift = 0): Float64Array {
  const rng = new SeededRandom(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = shift + scale * (rng.nextU32() / 4294967296);
  return out;
}

export function normalValues(n: number, seed: number, mean = 0, sd = 1): Float64Array {
  const rng = new SeededRandom(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const u = (rng.nextU32() + 1) / 4294967297;
    const v = rng.nextU32() / 4294967296;
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = mean + sd * r * Math.cos(2 * Math.PI * v);
    if (i + 1 < n) out[i + 1] = mean + sd * r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

/** Exact fraction of `sorted` values <= x. */
export function exactRank(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo / sorted.length;
}

/** Exact fraction of `sorted` values < x. */
export function exactRankBelow(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo / sorted.length;
}

/** Largest |estimated − true| rank over the 1st..99th percentiles of the data. */
export function maxRankError(rank: (x: number) => number | undefined, values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  let worst = 0;
  for (let q = 1; q < 100; q++) {
    const x = sorted[Math.floor((q / 100) * (sorted.length - 1))]!;
    worst = Math.max(worst, Math.abs(rank(x)! - exactRank(sorted, x)));
  }
  return worst;
}

export function relativeDifference(a: number, b: number): number {
  if (a === b) return 0;
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
}
