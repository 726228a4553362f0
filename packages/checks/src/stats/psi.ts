import { countAtMost, linearQuantile, sortedCopy } from './_sorted.js';

export interface PsiOptions {
  /** Number of bins; edges are the reference's 1/bins … (bins−1)/bins quantiles. Default 10. */
  bins?: number;
  /** Smallest bin proportion, so that empty bins give a finite value. Default 1e-4. */
  floor?: number;
}

/** Interior bin edges: the reference's k/bins quantiles (linear interpolation), k = 1…bins−1. */
export function psiEdges(n: number, at: (index: number) => number, bins: number): Float64Array {
  const edges = new Float64Array(bins - 1);
  for (let k = 1; k < bins; k++) edges[k - 1] = linearQuantile(n, k / bins, at);
  return edges;
}

/**
 * PSI from per-bin counts: Σ (c − r) · ln(c / r) over bins, where r and c are the reference and
 * current proportions, each floored at `floor`.
 */
export function psiFromCounts(
  referenceCounts: ArrayLike<number>,
  currentCounts: ArrayLike<number>,
  referenceTotal: number,
  currentTotal: number,
  floor = 1e-4,
): number {
  let value = 0;
  for (let k = 0; k < referenceCounts.length; k++) {
    const r = Math.max((referenceCounts[k] as number) / referenceTotal, floor);
    const c = Math.max((currentCounts[k] as number) / currentTotal, floor);
    value += (c - r) * Math.log(c / r);
  }
  return value;
}

/**
 * Counts per bin of a sorted sample for interior `edges`; bin k holds values in
 * (edge[k−1], edge[k]], the outer bins are open.
 */
export function binCountsSorted(sorted: Float64Array, edges: Float64Array): Float64Array {
  const counts = new Float64Array(edges.length + 1);
  let below = 0;
  for (let k = 0; k < edges.length; k++) {
    const atMost = countAtMost(sorted, edges[k] as number);
    counts[k] = atMost - below;
    below = atMost;
  }
  counts[edges.length] = sorted.length - below;
  return counts;
}

/**
 * Population Stability Index of `current` against `reference`: bins whose edges are the
 * reference's quantiles (deciles by default; outer bins open, bins closed on the right) and
 * proportions floored at 1e-4. NaN is rejected.
 */
export function psi(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
  options: PsiOptions = {},
): number {
  const bins = options.bins ?? 10;
  const ref = sortedCopy(reference, 'the reference sample');
  const cur = sortedCopy(current, 'the current sample');
  const edges = psiEdges(ref.length, (i) => ref[i] as number, bins);
  return psiFromCounts(
    binCountsSorted(ref, edges),
    binCountsSorted(cur, edges),
    ref.length,
    cur.length,
    options.floor,
  );
}
