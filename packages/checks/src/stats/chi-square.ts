import { InputError } from '@mlwarden/core';
import { checkCounts } from './_counts.js';
import { chiSquareSf } from './_gamma.js';

export interface ChiSquareResult {
  statistic: number;
  pValue: number;
  /** Degrees of freedom: categories − 1. */
  dof: number;
}

/**
 * Pearson's chi-square test of independence on the 2×K table of reference and current category
 * counts, without continuity correction (SciPy's `chi2_contingency(table, correction=False)`).
 * Categories with no count on either side are ignored.
 */
export function chiSquare(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
): ChiSquareResult {
  checkCounts(reference, current);
  let refTotal = 0;
  let curTotal = 0;
  let k = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = reference[i] as number;
    const c = current[i] as number;
    refTotal += r;
    curTotal += c;
    if (r + c > 0) k++;
  }
  if (refTotal === 0 || curTotal === 0) {
    throw new InputError('a sample has no counts', {
      hint: 'both the reference and the current sample need at least one value',
    });
  }
  const dof = k - 1;
  if (dof <= 0) return { statistic: 0, pValue: 1, dof: 0 };
  const total = refTotal + curTotal;
  let statistic = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = reference[i] as number;
    const c = current[i] as number;
    const column = r + c;
    if (column === 0) continue;
    const expectedR = (refTotal * column) / total;
    const expectedC = (curTotal * column) / total;
    statistic += (r - expectedR) ** 2 / expectedR + (c - expectedC) ** 2 / expectedC;
  }
  return { statistic, pValue: chiSquareSf(statistic, dof), dof };
}
