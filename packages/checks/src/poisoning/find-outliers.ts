import { createRandom } from '../stats/_random.js';
import { binomialUpperTail } from './_binomial-tail.js';
import type { FeatureMatrix } from './_feature-matrix.js';
import { fitIsolationForest, isolationScores } from './_isolation-forest.js';
import { nearestNeighbours } from './_nearest-neighbours.js';
import { robustCovariance, robustDistances } from './_robust-covariance.js';
import { columnMedians, medianAndScale } from './_robust-scale.js';
import { sampleIndices } from './_sampling.js';

export type OutlierMethod = 'knn' | 'isolation-forest' | 'mahalanobis';

/**
 * `auto`: robust Mahalanobis distance for continuous data; k-nearest-neighbour distance when more
 * than a tenth of the features are discrete or zero-inflated (a zero MAD), where the MCD's
 * elliptical model breaks down.
 */
export function chooseMethod(base: FeatureMatrix): OutlierMethod {
  const { scale } = columnMedians(base.x, base.n, base.d, { rawScale: true });
  let degenerate = 0;
  for (let j = 0; j < base.d; j++) if (!((scale[j] as number) > 0)) degenerate++;
  return degenerate > 0.1 * base.d ? 'knn' : 'mahalanobis';
}

export interface OutlierOptions {
  /**
   * `knn`: log mean distance to the k nearest rows of a seeded baseline sample, on standardised
   * features; `isolation-forest`: Liu et al.'s score; `mahalanobis`: log squared robust (MCD)
   * Mahalanobis distance on robustly scaled features.
   */
  method?: OutlierMethod | 'auto';
  neighbours?: number;
  knnReference?: number;
  trees?: number;
  sampleSize?: number;
  /**
   * Fixed score threshold. Default: median + `madMultiplier` × scaled MAD of the baseline scores
   * (the reference's when there is one, else the dataset's own).
   */
  threshold?: number;
  madMultiplier?: number;
  /** Rows per window for the within-dataset rate test; 0 turns it off. */
  windowRows?: number;
  /** A rate is a jump when it is at least this many times the baseline rate… */
  rateRatio?: number;
  /** …and its one-sided p-value is below this (Bonferroni-corrected over windows). */
  pValue?: number;
  seed?: number;
  signal?: AbortSignal;
}

export interface RateJump {
  /** Where: the whole dataset against the reference, or rows [start, end) against the rest. */
  scope: 'dataset' | 'window';
  start: number;
  end: number;
  outliers: number;
  rows: number;
  rate: number;
  baselineRate: number;
  pValue: number;
}

export interface OutlierResult {
  method: OutlierMethod;
  /** Outlier score of each row (higher is more unusual). */
  scores: Float64Array;
  threshold: number;
  /** Matrix rows above the threshold, highest score first. */
  outliers: Int32Array;
  rate: number;
  /** Outlier rate of the reference under the same threshold, when there is one. */
  referenceRate?: number;
  jumps: RateJump[];
  /** Features furthest from the baseline's median (robust z) for each outlier, same order. */
  attribution: { feature: string; z: number }[][];
}

/**
 * Multivariate outliers of `data`, scored against `reference` when given (a trusted batch) or
 * against `data` itself, flagged above a robust threshold on the baseline's scores. Also tests the outlier rate for jumps: the dataset against the reference, and
 * each window of rows against the rest of the dataset.
 */
export function findOutliers(
  data: FeatureMatrix,
  reference: FeatureMatrix | undefined,
  options: OutlierOptions = {},
): OutlierResult {
  const random = createRandom(options.seed ?? 0);
  const base = reference ?? data;
  const d = data.d;
  const method =
    options.method === undefined || options.method === 'auto' ? chooseMethod(base) : options.method;
  const { scores, baseScores } = score(
    method,
    data,
    base,
    reference !== undefined,
    random,
    options,
  );
  const { median, scale } = medianAndScale(baseScores);
  const threshold = options.threshold ?? median + (options.madMultiplier ?? 4) * scale;
  const flagged: number[] = [];
  for (let i = 0; i < data.n; i++) if ((scores[i] as number) > threshold) flagged.push(i);
  flagged.sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
  const rate = data.n > 0 ? flagged.length / data.n : 0;
  const ratio = options.rateRatio ?? 2;
  const alpha = options.pValue ?? 1e-3;
  const jumps: RateJump[] = [];
  let referenceRate: number | undefined;
  if (reference !== undefined) {
    let above = 0;
    for (let i = 0; i < reference.n; i++) if ((baseScores[i] as number) > threshold) above++;
    referenceRate = above / Math.max(1, reference.n);
    // A rate of 0 in the reference is taken as one outlier, so that any rate is not "infinitely" up.
    const p0 = Math.max(referenceRate, 1 / Math.max(1, reference.n));
    const p = binomialUpperTail(flagged.length, data.n, p0);
    if (rate >= ratio * p0 && p < alpha) {
      jumps.push({
        scope: 'dataset',
        start: 0,
        end: data.n,
        outliers: flagged.length,
        rows: data.n,
        rate,
        baselineRate: referenceRate,
        pValue: p,
      });
    }
  }
  const windowRows = options.windowRows ?? 10_000;
  if (windowRows > 0 && data.n >= 2 * windowRows) {
    const isOutlier = new Uint8Array(data.n);
    for (const i of flagged) isOutlier[i] = 1;
    const windows = Math.ceil(data.n / windowRows);
    for (let w = 0; w < windows; w++) {
      const start = w * windowRows;
      const end = Math.min(data.n, start + windowRows);
      let inside = 0;
      for (let i = start; i < end; i++) inside += isOutlier[i] as number;
      const rest = data.n - (end - start);
      const p0 = Math.max((flagged.length - inside) / rest, 1 / rest);
      const windowRate = inside / (end - start);
      const p = binomialUpperTail(inside, end - start, p0);
      if (windowRate >= ratio * p0 && p * windows < alpha) {
        jumps.push({
          scope: 'window',
          start: data.rows[start] as number,
          end: (data.rows[end - 1] as number) + 1,
          outliers: inside,
          rows: end - start,
          rate: windowRate,
          baselineRate: (flagged.length - inside) / rest,
          pValue: Math.min(1, p * windows),
        });
      }
    }
  }
  const robust = columnMedians(base.x, base.n, d);
  const attribution = flagged.slice(0, 1000).map((i) => {
    const z = Array.from({ length: d }, (_, j) => ({
      feature: data.features[j] as string,
      z:
        ((data.x[i * d + j] as number) - (robust.median[j] as number)) /
        (robust.scale[j] as number),
    }));
    return z.sort((a, b) => Math.abs(b.z) - Math.abs(a.z)).slice(0, 3);
  });
  return {
    method,
    scores,
    threshold,
    outliers: Int32Array.from(flagged),
    rate,
    ...(referenceRate !== undefined && { referenceRate }),
    jumps,
    attribution,
  };
}

/** Per-row scores of `data` and of the baseline under the chosen method. */
function score(
  method: OutlierMethod,
  data: FeatureMatrix,
  base: FeatureMatrix,
  separate: boolean,
  random: () => number,
  options: OutlierOptions,
): { scores: Float64Array; baseScores: Float64Array } {
  const d = data.d;
  const signal = options.signal && { signal: options.signal };
  if (method === 'isolation-forest') {
    const forest = fitIsolationForest(
      base.x,
      d,
      Int32Array.from({ length: base.n }, (_, i) => i),
      {
        trees: options.trees ?? 200,
        sampleSize: options.sampleSize ?? 256,
        random,
        ...signal,
      },
    );
    const scores = isolationScores(forest, data.x, data.n);
    return { scores, baseScores: separate ? isolationScores(forest, base.x, base.n) : scores };
  }
  // Both distance methods work on features scaled by the baseline.
  const robust = method === 'mahalanobis';
  const center = new Float64Array(d);
  const spread = new Float64Array(d);
  if (robust) {
    const m = columnMedians(base.x, base.n, d);
    center.set(m.median);
    spread.set(m.scale);
  } else {
    for (let i = 0; i < base.n; i++) {
      for (let j = 0; j < d; j++)
        center[j] = (center[j] as number) + (base.x[i * d + j] as number) / base.n;
    }
    for (let i = 0; i < base.n; i++) {
      for (let j = 0; j < d; j++)
        spread[j] =
          (spread[j] as number) + ((base.x[i * d + j] as number) - (center[j] as number)) ** 2;
    }
    for (let j = 0; j < d; j++) {
      const sd = Math.sqrt((spread[j] as number) / Math.max(1, base.n));
      spread[j] = sd > 0 ? sd : 1;
    }
  }
  const scale = (m: FeatureMatrix) =>
    m.x.map((v, q) => (v - (center[q % d] as number)) / (spread[q % d] as number));
  const baseZ = scale(base);
  const dataZ = separate ? scale(data) : baseZ;
  if (robust) {
    const model = robustCovariance(baseZ, base.n, d, { random, ...signal });
    const log = (v: Float64Array) => v.map((x) => Math.log(Math.max(x, 1e-300)));
    const baseScores = log(robustDistances(model, baseZ, base.n));
    return {
      scores: separate ? log(robustDistances(model, dataZ, data.n)) : baseScores,
      baseScores,
    };
  }
  const sample = sampleIndices(base.n, Math.min(base.n, options.knnReference ?? 2000), random);
  const k = options.neighbours ?? 10;
  const knnScores = (z: Float64Array, n: number) => {
    const nn = nearestNeighbours(z, n, d, sample, k, { base: baseZ, ...signal });
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let t = 0; t < nn.k; t++) s += Math.sqrt(nn.distance[i * nn.k + t] as number);
      out[i] = Math.log(s / Math.max(1, nn.k) + 1e-12);
    }
    return out;
  };
  const baseScores = knnScores(baseZ, base.n);
  return { scores: separate ? knnScores(dataZ, data.n) : baseScores, baseScores };
}
