import { InputError } from '@mlwarden/core';

/**
 * A sorted Float64Array copy of `values`. NaN has no place in an ordering and is rejected;
 * ±Infinity sorts to the ends.
 */
export function sortedCopy(values: ArrayLike<number>, what: string): Float64Array {
  if (values.length === 0) {
    throw new InputError(`${what} is empty`, {
      hint: 'give at least one value in each sample',
    });
  }
  const out = Float64Array.from(values);
  for (let i = 0; i < out.length; i++) {
    if (Number.isNaN(out[i])) {
      throw new InputError(`${what} holds NaN at index ${i}`, {
        hint: 'remove or impute missing values first; the drift check counts them separately',
      });
    }
  }
  return out.sort();
}

/** Number of elements of the sorted array `a` that are ≤ `x` (NumPy `searchsorted(side='right')`). */
export function countAtMost(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Quantile `q` of sorted data by linear interpolation between order statistics (Hyndman & Fan
 * type 7, NumPy's default), computed with NumPy's operation order so that edges agree bit for bit.
 * `at(i)` returns the i-th smallest value.
 */
export function linearQuantile(n: number, q: number, at: (index: number) => number): number {
  const virtual = (n - 1) * q;
  if (virtual >= n - 1) return at(n - 1);
  if (virtual < 0) return at(0);
  const previous = Math.floor(virtual);
  const a = at(previous);
  const b = at(previous + 1);
  const gamma = virtual - previous;
  const diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}
