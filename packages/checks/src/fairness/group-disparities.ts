/**
 * Group metrics and disparity measures from per-group confusion counts, with Fairlearn's
 * definitions (fairlearn.metrics 0.15): a rate whose denominator is zero counts as 0 in the
 * disparities (scikit-learn's `confusion_matrix(normalize="true")` turns 0/0 into 0), a ratio of
 * 0/0 is NaN, and the equalized-odds aggregate is Python's `max`/`min` over (TPR, FPR), which
 * keeps the TPR value when the other one is NaN.
 */

/** Confusion counts of one group. */
export interface Confusion {
  tn: number;
  fp: number;
  fn: number;
  tp: number;
}

/** Per-group metrics; a rate is null when its denominator is zero. */
export interface GroupRates {
  count: number;
  selectionRate: number;
  accuracy: number;
  truePositiveRate: number | null;
  falsePositiveRate: number | null;
  falseNegativeRate: number | null;
  precision: number | null;
}

/** The disparity measures of one sensitive feature (or intersection), named after Fairlearn's. */
export interface Disparities {
  demographicParityDifference: number;
  demographicParityRatio: number;
  equalizedOddsDifference: number;
  equalizedOddsRatio: number;
  equalOpportunityDifference: number;
  equalOpportunityRatio: number;
}

export const DISPARITY_NAMES = [
  'demographicParityDifference',
  'demographicParityRatio',
  'equalizedOddsDifference',
  'equalizedOddsRatio',
  'equalOpportunityDifference',
  'equalOpportunityRatio',
] as const satisfies readonly (keyof Disparities)[];

const TN = 0;
const FP = 1;
const FN = 2;
const TP = 3;

const rate = (num: number, den: number) => (den > 0 ? num / den : null);

/** Per-group metrics of one group. */
export function groupRates(c: Confusion): GroupRates {
  const count = c.tn + c.fp + c.fn + c.tp;
  return {
    count,
    selectionRate: (c.tp + c.fp) / count,
    accuracy: (c.tp + c.tn) / count,
    truePositiveRate: rate(c.tp, c.tp + c.fn),
    falsePositiveRate: rate(c.fp, c.fp + c.tn),
    falseNegativeRate: rate(c.fn, c.tp + c.fn),
    precision: rate(c.tp, c.tp + c.fp),
  };
}

/** Running min and max of a metric over groups (NaN-free inputs). */
class Range {
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  n = 0;
  add(v: number): void {
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    this.n++;
  }
  get difference(): number {
    return this.n === 0 ? Number.NaN : this.max - this.min;
  }
  get ratio(): number {
    return this.n === 0 ? Number.NaN : this.min / this.max;
  }
}

/** Python's `max(a, b)`: b only when b > a (so a NaN first argument wins). */
// biome-ignore lint/complexity/useMathMinMax: Math.max returns NaN for any NaN argument; Python does not
const pyMax = (a: number, b: number) => (b > a ? b : a);
/** Python's `min(a, b)`: b only when b < a. */
// biome-ignore lint/complexity/useMathMinMax: as above
const pyMin = (a: number, b: number) => (b < a ? b : a);

/**
 * Which groups count, for the judged variant: groups of at least `minGroupSize` rows, and for a
 * rate only the groups where it is defined.
 */
export interface JudgeOptions {
  minGroupSize: number;
}

/**
 * Disparities over `G` groups whose confusion counts are `counts[g·4 …]` (tn, fp, fn, tp).
 * Without `judge`, Fairlearn's definitions over every non-empty group. With it, only groups of
 * at least `minGroupSize` rows, and each rate only where its denominator is non-zero.
 */
export function disparitiesOf(counts: Float64Array, G: number, judge?: JudgeOptions): Disparities {
  const sr = new Range();
  const tpr = new Range();
  const fpr = new Range();
  for (let g = 0; g < G; g++) {
    const o = g * 4;
    const tn = counts[o + TN] as number;
    const fp = counts[o + FP] as number;
    const fn = counts[o + FN] as number;
    const tp = counts[o + TP] as number;
    const n = tn + fp + fn + tp;
    if (n === 0) continue;
    if (judge !== undefined && n < judge.minGroupSize) continue;
    sr.add((tp + fp) / n);
    const pos = tp + fn;
    const neg = fp + tn;
    if (judge === undefined) {
      tpr.add(pos > 0 ? tp / pos : 0);
      fpr.add(neg > 0 ? fp / neg : 0);
    } else {
      if (pos > 0) tpr.add(tp / pos);
      if (neg > 0) fpr.add(fp / neg);
    }
  }
  const judged = judge !== undefined;
  const differenceOf = (a: number, b: number) =>
    judged ? (Number.isNaN(a) ? b : Number.isNaN(b) ? a : Math.max(a, b)) : pyMax(a, b);
  const ratioOf = (a: number, b: number) =>
    judged ? (Number.isNaN(a) ? b : Number.isNaN(b) ? a : Math.min(a, b)) : pyMin(a, b);
  // Judged disparities need two groups to compare.
  const two = (range: Range, v: number) => (judged && range.n < 2 ? Number.NaN : v);
  const tprDiff = two(tpr, tpr.difference);
  const fprDiff = two(fpr, fpr.difference);
  const tprRatio = two(tpr, tpr.ratio);
  const fprRatio = two(fpr, fpr.ratio);
  return {
    demographicParityDifference: two(sr, sr.difference),
    demographicParityRatio: two(sr, sr.ratio),
    equalizedOddsDifference: differenceOf(tprDiff, fprDiff),
    equalizedOddsRatio: ratioOf(tprRatio, fprRatio),
    equalOpportunityDifference: tprDiff,
    equalOpportunityRatio: tprRatio,
  };
}

/** Disparities of named groups' confusion counts, with Fairlearn's definitions. */
export function groupDisparities(groups: Readonly<Record<string, Confusion>>): Disparities {
  const list = Object.values(groups);
  const counts = new Float64Array(list.length * 4);
  list.forEach((c, g) => {
    counts.set([c.tn, c.fp, c.fn, c.tp], g * 4);
  });
  return disparitiesOf(counts, list.length);
}
