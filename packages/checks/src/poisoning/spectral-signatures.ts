import { createRandom } from '../stats/_random.js';
import type { FeatureMatrix } from './_feature-matrix.js';

/**
 * Spectral signatures (Tran, Li and Mądry, "Spectral Signatures in Backdoor Attacks", NeurIPS
 * 2018), written from the paper: within each class, poisoned examples leave a trace along the top
 * singular vector of the centred representations. Instead of removing a fixed share of the
 * highest scores, each class's projections on that vector are split into two clusters (the exact
 * 1-D 2-means split) and the class is flagged when a small cluster stands clearly apart.
 */

export interface SpectralOptions {
  /** Largest share of a class the smaller cluster may hold to count as poison. */
  maxClusterShare?: number;
  /** Smallest Ashman's D between the two clusters (√2·|μ₁ − μ₂| / √(σ₁² + σ₂²)). */
  minSeparation?: number;
  /** Fewest rows in the smaller cluster. */
  minClusterRows?: number;
  /** Classes with fewer rows are not analysed. */
  minClassRows?: number;
  seed?: number;
  signal?: AbortSignal;
}

export interface ClassSignature {
  label: string;
  rows: number;
  /** Share of the class in the smaller cluster. */
  clusterShare: number;
  separation: number;
  flagged: boolean;
  /** Matrix rows of the smaller cluster (when flagged), largest outlier score first. */
  suspicious: number[];
  /** Outlier score (squared projection on the top singular vector) of every row of the class. */
  scores: Map<number, number>;
}

/** Top eigenvector of the symmetric e × e matrix `a`, by power iteration. */
function topEigenvector(a: Float64Array, e: number, random: () => number): Float64Array {
  let v = Float64Array.from({ length: e }, () => random() - 0.5);
  const next = new Float64Array(e);
  for (let iteration = 0; iteration < 300; iteration++) {
    next.fill(0);
    for (let i = 0; i < e; i++) {
      let s = 0;
      for (let j = 0; j < e; j++) s += (a[i * e + j] as number) * (v[j] as number);
      next[i] = s;
    }
    let norm = 0;
    for (let i = 0; i < e; i++) norm += (next[i] as number) ** 2;
    norm = Math.sqrt(norm);
    if (norm === 0) return v;
    let change = 0;
    for (let i = 0; i < e; i++) {
      const x = (next[i] as number) / norm;
      change += Math.abs(x - (v[i] as number));
      next[i] = x;
    }
    v = Float64Array.from(next);
    if (change < 1e-10) break;
  }
  return v;
}

/** The exact two-cluster split of sorted 1-D values minimising the within-cluster sum of squares. */
function split(sorted: Float64Array): number {
  const n = sorted.length;
  const prefix = new Float64Array(n + 1);
  const prefix2 = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    prefix[i + 1] = (prefix[i] as number) + (sorted[i] as number);
    prefix2[i + 1] = (prefix2[i] as number) + (sorted[i] as number) ** 2;
  }
  let best = 1;
  let bestCost = Number.POSITIVE_INFINITY;
  for (let k = 1; k < n; k++) {
    const s1 = prefix[k] as number;
    const s2 = (prefix[n] as number) - s1;
    const q1 = prefix2[k] as number;
    const q2 = (prefix2[n] as number) - q1;
    const cost = q1 - (s1 * s1) / k + q2 - (s2 * s2) / (n - k);
    if (cost < bestCost) {
      bestCost = cost;
      best = k;
    }
  }
  return best;
}

function moments(values: Float64Array, from: number, to: number) {
  let mean = 0;
  for (let i = from; i < to; i++) mean += values[i] as number;
  mean /= Math.max(1, to - from);
  let variance = 0;
  for (let i = from; i < to; i++) variance += ((values[i] as number) - mean) ** 2;
  return { mean, variance: variance / Math.max(1, to - from) };
}

/** Per class: the spectral split of representations `matrix.x` (e.g. embedding columns). */
export function spectralSignatures(
  matrix: FeatureMatrix,
  options: SpectralOptions = {},
): ClassSignature[] {
  const { d: e, x } = matrix;
  const y = matrix.y;
  const classes = matrix.classes;
  if (y === undefined || classes === undefined)
    throw new TypeError('spectralSignatures needs labels');
  const random = createRandom(options.seed ?? 0);
  const maxShare = options.maxClusterShare ?? 0.35;
  const minSeparation = options.minSeparation ?? 2;
  const minClusterRows = options.minClusterRows ?? 5;
  const minClassRows = options.minClassRows ?? 20;
  const out: ClassSignature[] = [];
  classes.forEach((label, c) => {
    options.signal?.throwIfAborted();
    const rows: number[] = [];
    for (let i = 0; i < matrix.n; i++) if (y[i] === c) rows.push(i);
    const m = rows.length;
    if (m < minClassRows) return;
    const mean = new Float64Array(e);
    for (const i of rows)
      for (let j = 0; j < e; j++) mean[j] = (mean[j] as number) + (x[i * e + j] as number) / m;
    const cov = new Float64Array(e * e);
    const centred = new Float64Array(e);
    for (const i of rows) {
      for (let j = 0; j < e; j++) centred[j] = (x[i * e + j] as number) - (mean[j] as number);
      for (let a = 0; a < e; a++) {
        const ca = centred[a] as number;
        if (ca === 0) continue;
        for (let b = 0; b < e; b++)
          cov[a * e + b] = (cov[a * e + b] as number) + ca * (centred[b] as number);
      }
    }
    const v = topEigenvector(cov, e, random);
    const projection = new Float64Array(m);
    rows.forEach((i, t) => {
      let s = 0;
      for (let j = 0; j < e; j++)
        s += ((x[i * e + j] as number) - (mean[j] as number)) * (v[j] as number);
      projection[t] = s;
    });
    const order = Int32Array.from({ length: m }, (_, t) => t).sort(
      (a, b) => (projection[a] as number) - (projection[b] as number),
    );
    const sorted = Float64Array.from(order, (t) => projection[t] as number);
    const k = split(sorted);
    const low = moments(sorted, 0, k);
    const high = moments(sorted, k, m);
    const separation =
      (Math.SQRT2 * Math.abs(high.mean - low.mean)) /
      Math.sqrt(Math.max(low.variance + high.variance, 1e-300));
    const smallIsLow = k <= m - k;
    const smallSize = smallIsLow ? k : m - k;
    const share = smallSize / m;
    const flagged = share <= maxShare && smallSize >= minClusterRows && separation >= minSeparation;
    const scores = new Map<number, number>();
    rows.forEach((i, t) => {
      scores.set(i, (projection[t] as number) ** 2);
    });
    const members = smallIsLow ? order.subarray(0, k) : order.subarray(k);
    const suspicious = flagged
      ? Array.from(members, (t) => rows[t] as number).sort(
          (a, b) => (scores.get(b) as number) - (scores.get(a) as number),
        )
      : [];
    out.push({ label, rows: m, clusterShare: share, separation, flagged, suspicious, scores });
  });
  return out;
}
