import { CompensatedSum } from './_compensated-sum.js';
import { sortedCopy } from './_sorted.js';

/** W1 of two sorted samples: ∫ |F1(x) − F2(x)| dx over the merged values. */
export function wassersteinSorted(a: Float64Array, b: Float64Array): number {
  const n1 = a.length;
  const n2 = b.length;
  const sum = new CompensatedSum();
  let i = 0;
  let j = 0;
  let x = Math.min(a[0] as number, b[0] as number);
  while (i < n1 || j < n2) {
    while (i < n1 && a[i] === x) i++;
    while (j < n2 && b[j] === x) j++;
    if (i === n1 && j === n2) break;
    const next = i < n1 && (j >= n2 || (a[i] as number) <= (b[j] as number)) ? a[i] : b[j];
    sum.add(Math.abs(i / n1 - j / n2) * ((next as number) - x));
    x = next as number;
  }
  return sum.value;
}

/**
 * First Wasserstein (earth mover's) distance between two samples, as SciPy's
 * `wasserstein_distance(u, v)` computes it. NaN is rejected.
 */
export function wasserstein(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  return wassersteinSorted(
    sortedCopy(reference, 'the reference sample'),
    sortedCopy(current, 'the current sample'),
  );
}

const BLOCK = 1024;

/** Σ f(values[i]) with plain sums per block of 1024 and compensated sums of the blocks. */
function blockSum(values: ArrayLike<number>, shift: number, square: boolean): number {
  const total = new CompensatedSum();
  const n = values.length;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    let s = 0;
    if (square) {
      for (let i = start; i < end; i++) {
        const d = (values[i] as number) - shift;
        s += d * d;
      }
    } else {
      for (let i = start; i < end; i++) s += (values[i] as number) - shift;
    }
    total.add(s);
  }
  return total.value;
}

/** Population standard deviation of a sample given as consecutive chunks, in two passes. */
export function populationStdOfChunks(chunks: readonly ArrayLike<number>[]): number {
  let n = 0;
  for (const chunk of chunks) n += chunk.length;
  if (n === 0) return Number.NaN;
  const sum = new CompensatedSum();
  for (const chunk of chunks) sum.add(blockSum(chunk, 0, false));
  const mean = sum.value / n;
  const squares = new CompensatedSum();
  for (const chunk of chunks) squares.add(blockSum(chunk, mean, true));
  return Math.sqrt(squares.value / n);
}

/** Population standard deviation (ddof = 0, like `numpy.std`), in two passes. */
export function populationStd(values: ArrayLike<number>): number {
  return populationStdOfChunks([values]);
}

/**
 * Wasserstein-1 distance divided by the reference's population standard deviation (ddof = 0),
 * Evidently's "normed" Wasserstein. Infinity when the reference is constant and the samples differ,
 * 0 when both are the same constant.
 */
export function normedWasserstein(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
): number {
  const distance = wasserstein(reference, current);
  const std = populationStd(reference);
  if (std === 0) return distance === 0 ? 0 : Number.POSITIVE_INFINITY;
  return distance / std;
}
