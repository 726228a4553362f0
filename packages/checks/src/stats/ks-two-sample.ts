import { kolmogorovSf } from './_kolmogorov.js';
import { ksExactFeasible, ksExactPValue } from './_ks-exact.js';
import { sortedCopy } from './_sorted.js';

/** How the KS p-value is computed; `auto` is exact when both samples have at most 10 000 values. */
export type KsMethod = 'auto' | 'exact' | 'asymptotic';

export interface KsResult {
  /** Largest absolute difference between the two empirical CDFs. */
  statistic: number;
  /** Two-sided p-value. */
  pValue: number;
  /** The method actually used (exact falls back to asymptotic when it cannot be computed). */
  method: 'exact' | 'asymptotic';
}

/** Largest sample size for which `auto` uses the exact distribution (SciPy's rule). */
export const KS_EXACT_MAX_N = 10_000;

/**
 * Two-sided p-value of the two-sample KS statistic `statistic` for sample sizes n1 and n2, as
 * SciPy's `ks_2samp` computes it: the exact lattice-path distribution for small samples, else
 * the distribution of the one-sample statistic with n = round(n1·n2 / (n1 + n2)).
 */
export function ksPValue(
  statistic: number,
  n1: number,
  n2: number,
  method: KsMethod = 'auto',
): KsResult {
  let use: 'exact' | 'asymptotic' =
    method === 'auto'
      ? Math.max(n1, n2) <= KS_EXACT_MAX_N
        ? 'exact'
        : 'asymptotic'
      : method === 'exact' && ksExactFeasible(n1, n2)
        ? 'exact'
        : 'asymptotic';
  if (use === 'exact') {
    const exact = ksExactPValue(statistic, n1, n2);
    if (exact !== undefined) return { ...exact, method: 'exact' };
    use = 'asymptotic';
  }
  const m = Math.max(n1, n2);
  const n = Math.min(n1, n2);
  const en = (m * n) / (m + n);
  return {
    statistic,
    pValue: kolmogorovSf(Math.round(en), statistic),
    method: use,
  };
}

/**
 * KS statistic of two sorted samples: the maximum of |F1 − F2| over every observed value, where
 * F counts values ≤ x (ties handled like SciPy's `searchsorted(side='right')`).
 */
export function ksStatisticSorted(a: Float64Array, b: Float64Array): number {
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let max = 0;
  let min = 0;
  while (i < n1 || j < n2) {
    const x = i < n1 && (j >= n2 || (a[i] as number) <= (b[j] as number)) ? a[i] : b[j];
    while (i < n1 && a[i] === x) i++;
    while (j < n2 && b[j] === x) j++;
    const diff = i / n1 - j / n2;
    if (diff > max) max = diff;
    if (diff < min) min = diff;
  }
  return Math.max(max, -min);
}

/**
 * Two-sample Kolmogorov–Smirnov test (two-sided). Matches SciPy's `ks_2samp` with the default
 * `method='auto'` to about 1e-12. NaN is rejected; ±Infinity is allowed.
 */
export function ksTwoSample(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
  options: { method?: KsMethod } = {},
): KsResult {
  const a = sortedCopy(reference, 'the reference sample');
  const b = sortedCopy(current, 'the current sample');
  return ksPValue(ksStatisticSorted(a, b), a.length, b.length, options.method);
}
