import { InputError } from '@mlwarden/core';
import { checkCounts } from './_counts.js';

/**
 * Jensen–Shannon distance between the category distributions of two count vectors: the square
 * root of the JS divergence with natural logarithms (SciPy's `spatial.distance.jensenshannon`),
 * between 0 and √ln 2.
 */
export function jensenShannon(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  checkCounts(reference, current);
  let refTotal = 0;
  let curTotal = 0;
  for (let i = 0; i < reference.length; i++) {
    refTotal += reference[i] as number;
    curTotal += current[i] as number;
  }
  if (refTotal === 0 || curTotal === 0) {
    throw new InputError('a sample has no counts', {
      hint: 'both the reference and the current sample need at least one value',
    });
  }
  let left = 0;
  let right = 0;
  for (let i = 0; i < reference.length; i++) {
    const p = (reference[i] as number) / refTotal;
    const q = (current[i] as number) / curTotal;
    const m = (p + q) / 2;
    if (p > 0) left += p * Math.log(p / m);
    if (q > 0) right += q * Math.log(q / m);
  }
  return Math.sqrt(Math.max(0, (left + right) / 2));
}
