import type { Dataset } from '@mlwarden/core';
import { createRandom } from '../stats/_random.js';
import { multinomial } from './_binomial.js';
import { countFairness, type FairnessCounts, type RowCounts } from './_fairness-counts.js';
import type { PositiveLabel } from './_outcome-reader.js';
import { quantile } from './_quantile.js';
import {
  DISPARITY_NAMES,
  type Disparities,
  disparitiesOf,
  type GroupRates,
  groupRates,
} from './group-disparities.js';

export interface GroupFairnessOptions {
  /** Column of true outcomes. Without it only selection rates (demographic parity) are measured. */
  label?: string;
  /** Column of predicted outcomes; or give `score` and `threshold`. */
  prediction?: string;
  /** Column of scores; `score >= threshold` is a positive prediction. */
  score?: string;
  threshold?: number;
  /** The favourable outcome in the label and prediction columns; every other value is negative. */
  positiveLabel?: PositiveLabel;
  /** Sensitive feature columns; with more than one, their intersection is measured too. */
  sensitive: readonly string[];
  /** Groups smaller than this are reported but not judged. */
  minGroupSize?: number;
  /** Bootstrap resamples for confidence intervals; 0 turns them off. */
  bootstrap?: number;
  confidenceLevel?: number;
  seed?: number;
  maxGroups?: number;
  maxRows?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number | undefined, label: string) => void;
}

/** Disparities over the groups that are judged, with the four-fifths (disparate impact) view. */
export interface JudgedDisparities extends Disparities {
  /** Groups judged: at least `minGroupSize` rows. */
  groups: number;
  /** Lowest selection rate divided by the highest, over judged groups. */
  disparateImpact: number;
}

export interface GroupResult extends GroupRates {
  /** Whether the group is large enough to be judged. */
  judged: boolean;
  /** Selection rate divided by that of the judged group with the highest rate (judged groups). */
  disparateImpact?: number;
}

export type Interval = [number, number];

/** Results for one sensitive feature or for the intersection of several. */
export interface FeatureFairness {
  /** The feature name, or the names joined with " & " for the intersection. */
  key: string;
  features: string[];
  groups: Record<string, GroupResult>;
  /** Fairlearn's definitions over every non-empty group. */
  disparities: Disparities;
  /** Over judged groups only, with undefined rates left out (what findings are based on). */
  judged: JudgedDisparities;
  /** Judged group with the highest selection rate (the four-fifths reference). */
  referenceGroup?: string;
  /** Bootstrap percentile intervals of `disparities`. */
  intervals?: Record<keyof Disparities, Interval>;
  /** Bootstrap percentile intervals of `judged` and of each judged group's disparate impact. */
  judgedIntervals?: Record<string, Interval>;
}

export interface GroupFairnessResult {
  rows: RowCounts;
  features: FeatureFairness[];
  hasLabel: boolean;
  positiveLabels: number;
  positivePredictions: number;
  otherLabels: string[];
  otherPredictions: string[];
  truncated: boolean;
  bootstrap?: { samples: number; level: number; seed: number };
}

/** Separator of feature names and of values in intersections. */
export const INTERSECTION = ' & ';

const LABEL_FREE = {
  equalizedOddsDifference: Number.NaN,
  equalizedOddsRatio: Number.NaN,
  equalOpportunityDifference: Number.NaN,
  equalOpportunityRatio: Number.NaN,
};

interface KeyPlan {
  key: string;
  features: string[];
  labels: string[];
  /** Group index of each cell. */
  groupOf: Int32Array;
}

const byLabel = new Intl.Collator('en', { numeric: true }).compare;

function planKeys(counts: FairnessCounts): KeyPlan[] {
  const F = counts.features.length;
  const C = counts.codes.length / F;
  const plans: KeyPlan[] = [];
  counts.features.forEach((feature, f) => {
    const present = new Set<number>();
    for (let c = 0; c < C; c++) present.add(counts.codes[c * F + f] as number);
    const order = [...present].sort((a, b) =>
      byLabel(feature.values[a] as string, feature.values[b] as string),
    );
    const index = new Map(order.map((code, g) => [code, g]));
    const groupOf = new Int32Array(C);
    for (let c = 0; c < C; c++) groupOf[c] = index.get(counts.codes[c * F + f] as number) as number;
    plans.push({
      key: feature.name,
      features: [feature.name],
      labels: order.map((code) => feature.values[code] as string),
      groupOf,
    });
  });
  if (F > 1) {
    const labels = Array.from({ length: C }, (_, c) =>
      counts.features
        .map((feature, f) => feature.values[counts.codes[c * F + f] as number] as string)
        .join(INTERSECTION),
    );
    const order = labels
      .map((_, c) => c)
      .sort((a, b) => byLabel(labels[a] as string, labels[b] as string));
    const groupOf = new Int32Array(C);
    order.forEach((c, g) => {
      groupOf[c] = g;
    });
    plans.push({
      key: counts.features.map((f) => f.name).join(INTERSECTION),
      features: counts.features.map((f) => f.name),
      labels: order.map((c) => labels[c] as string),
      groupOf,
    });
  }
  return plans;
}

function aggregate(cells: Float64Array, plan: KeyPlan, out: Float64Array): Float64Array {
  out.fill(0);
  const C = plan.groupOf.length;
  for (let c = 0; c < C; c++) {
    const g = (plan.groupOf[c] as number) * 4;
    const o = c * 4;
    for (let j = 0; j < 4; j++) out[g + j] = (out[g + j] as number) + (cells[o + j] as number);
  }
  return out;
}

/** Judged disparities and each judged group's selection rate over the highest. */
function judgedOf(
  groups: Float64Array,
  G: number,
  minGroupSize: number,
  disparities: (groups: Float64Array, G: number, judge: { minGroupSize: number }) => Disparities,
) {
  const d = disparities(groups, G, { minGroupSize });
  const rates = new Float64Array(G).fill(Number.NaN);
  let best = -1;
  let bestRate = Number.NEGATIVE_INFINITY;
  let judged = 0;
  for (let g = 0; g < G; g++) {
    const o = g * 4;
    const n =
      (groups[o] as number) +
      (groups[o + 1] as number) +
      (groups[o + 2] as number) +
      (groups[o + 3] as number);
    if (n === 0 || n < minGroupSize) continue;
    judged++;
    const r = ((groups[o + 1] as number) + (groups[o + 3] as number)) / n;
    rates[g] = r;
    if (r > bestRate) {
      bestRate = r;
      best = g;
    }
  }
  const impact = new Float64Array(G).fill(Number.NaN);
  let lowest = Number.NaN;
  if (judged >= 2) {
    for (let g = 0; g < G; g++) {
      if (Number.isNaN(rates[g] as number)) continue;
      const v = (rates[g] as number) / bestRate;
      impact[g] = v;
      if (!(v >= lowest)) lowest = v;
    }
  }
  return { disparities: d, judged, impact, best, disparateImpact: lowest };
}

/**
 * Group fairness of a classifier's predictions over one or more sensitive features and their
 * intersection, in one pass over the dataset: per-group rates, Fairlearn's disparity measures,
 * the judged variant over groups of at least `minGroupSize` rows, the four-fifths view, and
 * seeded bootstrap intervals (a multinomial resample of rows drawn from the cell counts, which
 * is the same distribution as resampling the rows themselves).
 */
export async function measureGroupFairness(
  dataset: Dataset,
  options: GroupFairnessOptions,
): Promise<GroupFairnessResult> {
  const minGroupSize = options.minGroupSize ?? 30;
  const samples = options.bootstrap ?? 500;
  const level = options.confidenceLevel ?? 0.95;
  const seed = options.seed ?? 0;
  const counts = await countFairness(
    dataset,
    {
      ...(options.label !== undefined && { label: options.label }),
      ...(options.prediction !== undefined && { prediction: options.prediction }),
      ...(options.score !== undefined && { score: options.score }),
      threshold: options.threshold ?? 0.5,
      positiveLabel: options.positiveLabel ?? 1,
      sensitive: options.sensitive,
      maxGroups: options.maxGroups ?? 1000,
      maxRows: options.maxRows ?? Number.POSITIVE_INFINITY,
    },
    {
      ...(options.signal && { signal: options.signal }),
      onBatch: (rows) => options.onProgress?.(rows, dataset.numRows, 'counting'),
    },
  );
  const plans = planKeys(counts);
  // Without labels only selection rates mean anything.
  const disparities = (groups: Float64Array, G: number, judge?: { minGroupSize: number }) => {
    const d = disparitiesOf(groups, G, judge);
    return counts.hasLabel ? d : { ...d, ...LABEL_FREE };
  };
  const features: FeatureFairness[] = plans.map((plan) => {
    const G = plan.labels.length;
    const groups = aggregate(counts.counts, plan, new Float64Array(G * 4));
    const judged = judgedOf(groups, G, minGroupSize, disparities);
    const results: Record<string, GroupResult> = {};
    plan.labels.forEach((label, g) => {
      const o = g * 4;
      const rates = groupRates({
        tn: groups[o] as number,
        fp: groups[o + 1] as number,
        fn: groups[o + 2] as number,
        tp: groups[o + 3] as number,
      });
      const impact = judged.impact[g] as number;
      results[label] = {
        ...rates,
        ...(!counts.hasLabel && {
          accuracy: Number.NaN,
          truePositiveRate: null,
          falsePositiveRate: null,
          falseNegativeRate: null,
          precision: null,
        }),
        judged: rates.count >= minGroupSize,
        ...(!Number.isNaN(impact) && { disparateImpact: impact }),
      };
    });
    return {
      key: plan.key,
      features: plan.features,
      groups: results,
      disparities: disparities(groups, G),
      judged: {
        ...judged.disparities,
        groups: judged.judged,
        disparateImpact: judged.disparateImpact,
      },
      ...(judged.best >= 0 && { referenceGroup: plan.labels[judged.best] as string }),
    };
  });

  if (samples > 0 && counts.rows.used > 0) {
    const random = createRandom(seed);
    const cells = new Float64Array(counts.counts.length);
    const width = plans.map((p) => 2 * DISPARITY_NAMES.length + p.labels.length);
    const draws = plans.map((_, k) => new Float64Array(samples * (width[k] as number)));
    const buffers = plans.map((p) => new Float64Array(p.labels.length * 4));
    for (let b = 0; b < samples; b++) {
      options.signal?.throwIfAborted();
      multinomial(counts.counts, counts.rows.used, random, cells);
      plans.forEach((plan, k) => {
        const G = plan.labels.length;
        const groups = aggregate(cells, plan, buffers[k] as Float64Array);
        const d = disparities(groups, G);
        const j = judgedOf(groups, G, minGroupSize, disparities);
        const row = (draws[k] as Float64Array).subarray(
          b * (width[k] as number),
          (b + 1) * (width[k] as number),
        );
        DISPARITY_NAMES.forEach((name, m) => {
          row[m] = d[name];
          row[DISPARITY_NAMES.length + m] = j.disparities[name];
        });
        row.set(j.impact, 2 * DISPARITY_NAMES.length);
      });
      if (b % 50 === 0) options.onProgress?.(b, samples, 'bootstrap');
    }
    const lo = (1 - level) / 2;
    const hi = 1 - lo;
    plans.forEach((plan, k) => {
      const w = width[k] as number;
      const column = (m: number) => {
        const values = new Float64Array(samples);
        for (let b = 0; b < samples; b++)
          values[b] = (draws[k] as Float64Array)[b * w + m] as number;
        return [quantile(values, lo), quantile(values, hi)] as Interval;
      };
      const feature = features[k] as FeatureFairness;
      const intervals = {} as Record<keyof Disparities, Interval>;
      const judgedIntervals: Record<string, Interval> = {};
      DISPARITY_NAMES.forEach((name, m) => {
        intervals[name] = column(m);
        judgedIntervals[name] = column(DISPARITY_NAMES.length + m);
      });
      plan.labels.forEach((label, g) => {
        if (feature.groups[label]?.disparateImpact !== undefined) {
          judgedIntervals[`disparateImpact:${label}`] = column(2 * DISPARITY_NAMES.length + g);
        }
      });
      feature.intervals = intervals;
      feature.judgedIntervals = judgedIntervals;
    });
  }
  return {
    rows: counts.rows,
    features,
    hasLabel: counts.hasLabel,
    positiveLabels: counts.positiveLabels,
    positivePredictions: counts.positivePredictions,
    otherLabels: counts.otherLabels,
    otherPredictions: counts.otherPredictions,
    truncated: counts.truncated,
    ...(samples > 0 && { bootstrap: { samples, level, seed } }),
  };
}
