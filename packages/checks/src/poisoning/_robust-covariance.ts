import { chiSquareSf } from '../stats/_gamma.js';
import { cholesky, mahalanobis, meanCovariance, regularize } from './_linear-algebra.js';

/**
 * A minimum covariance determinant estimate in the spirit of FastMCD (Rousseeuw and Van
 * Driessen, Technometrics 1999), written from the paper: random elemental starts, concentration
 * steps (keep the h rows closest under the current estimate, re-estimate) on a subsample, the best
 * starts refined on all rows, a consistency factor, and one reweighting step that drops rows
 * beyond the 0.975 chi-square quantile.
 */

export interface RobustCovariance {
  mean: Float64Array;
  /** Cholesky factor of the (regularised) covariance. */
  factor: Float64Array;
  d: number;
}

export interface McdOptions {
  random: () => number;
  starts?: number;
  subsample?: number;
  ridge?: number;
  signal?: AbortSignal;
}

/** The p-quantile of the chi-square distribution with `dof` degrees of freedom, by bisection. */
export function chiSquareQuantile(p: number, dof: number): number {
  let lo = 0;
  let hi = Math.max(1, dof);
  while (1 - chiSquareSf(hi, dof) < p) hi *= 2;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (1 - chiSquareSf(mid, dof) < p) lo = mid;
    else hi = mid;
    if (hi - lo < 1e-10 * hi) break;
  }
  return (lo + hi) / 2;
}

function estimate(x: Float64Array, d: number, rows: ArrayLike<number>, ridge: number) {
  const { mean, cov } = meanCovariance(x, d, rows);
  regularize(cov, d, ridge);
  let factor = cholesky(cov, d);
  let extra = ridge;
  while (factor === undefined) {
    extra *= 10;
    regularize(cov, d, extra);
    factor = cholesky(cov, d);
  }
  return { mean, cov, factor };
}

function distances(
  x: Float64Array,
  d: number,
  rows: Int32Array,
  e: { mean: Float64Array; factor: Float64Array },
) {
  const out = new Float64Array(rows.length);
  const work = new Float64Array(d);
  for (let t = 0; t < rows.length; t++) {
    out[t] = mahalanobis(e.factor, d, x, (rows[t] as number) * d, e.mean, work);
  }
  return out;
}

/** The h rows of `rows` with the smallest distances. */
function closest(rows: Int32Array, dist: Float64Array, h: number): Int32Array {
  const order = Int32Array.from({ length: rows.length }, (_, t) => t).sort(
    (a, b) => (dist[a] as number) - (dist[b] as number),
  );
  return Int32Array.from(order.subarray(0, h), (t) => rows[t] as number);
}

function logDet(factor: Float64Array, d: number) {
  let s = 0;
  for (let i = 0; i < d; i++) s += Math.log(factor[i * d + i] as number);
  return 2 * s;
}

function concentrate(
  x: Float64Array,
  d: number,
  rows: Int32Array,
  start: ArrayLike<number>,
  h: number,
  steps: number,
  ridge: number,
) {
  let e = estimate(x, d, start, ridge);
  let det = logDet(e.factor, d);
  for (let s = 0; s < steps; s++) {
    const subset = closest(rows, distances(x, d, rows, e), h);
    const next = estimate(x, d, subset, ridge);
    const nextDet = logDet(next.factor, d);
    const converged = Math.abs(nextDet - det) < 1e-9;
    e = next;
    det = nextDet;
    if (converged) break;
  }
  return { e, det };
}

/** Robust location and scatter of `n` rows of the row-major matrix `x` (d columns). */
export function robustCovariance(
  x: Float64Array,
  n: number,
  d: number,
  options: McdOptions,
): RobustCovariance {
  const random = options.random;
  const ridge = options.ridge ?? 1e-6;
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const m = Math.min(n, options.subsample ?? 1500);
  // A seeded subsample for the search.
  const pool = Int32Array.from(all);
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(random() * (n - i));
    const t = pool[i] as number;
    pool[i] = pool[j] as number;
    pool[j] = t;
  }
  const sub = pool.slice(0, m);
  const hOf = (count: number) => Math.min(count, Math.floor((count + d + 1) / 2));
  const starts = options.starts ?? 30;
  const candidates: { e: ReturnType<typeof estimate>; det: number }[] = [];
  for (let s = 0; s < starts; s++) {
    options.signal?.throwIfAborted();
    const start = new Set<number>();
    while (start.size < Math.min(m, d + 1)) start.add(sub[Math.floor(random() * m)] as number);
    candidates.push(concentrate(x, d, sub, [...start], hOf(m), 2, ridge));
  }
  candidates.sort((a, b) => a.det - b.det);
  let best: { e: ReturnType<typeof estimate>; det: number } | undefined;
  for (const c of candidates.slice(0, 5)) {
    const subset = closest(sub, distances(x, d, sub, c.e), hOf(m));
    const refined = concentrate(x, d, sub, subset, hOf(m), 20, ridge);
    if (best === undefined || refined.det < best.det) best = refined;
  }
  if (best === undefined) throw new Error('no MCD start');
  // Final concentration on all rows, then consistency and one reweighting step.
  let e = concentrate(
    x,
    d,
    all,
    closest(all, distances(x, d, all, best.e), hOf(n)),
    hOf(n),
    10,
    ridge,
  ).e;
  const dist = distances(x, d, all, e);
  const sorted = Float64Array.from(dist).sort();
  const median = sorted[Math.floor(n / 2)] as number;
  const factor = median / chiSquareQuantile(0.5, d);
  const cut = chiSquareQuantile(0.975, d) * factor;
  const kept = all.filter((i) => (dist[i] as number) <= cut);
  e = estimate(x, d, kept.length > d ? kept : all, ridge);
  // Consistency of the reweighted estimate: scale so the median distance is chi-square's median.
  const reDist = distances(x, d, all, e);
  const reMedian = Float64Array.from(reDist).sort()[Math.floor(n / 2)] as number;
  const scale = reMedian / chiSquareQuantile(0.5, d);
  const cov = e.cov.map((v) => v * scale);
  const f = cholesky(cov, d) ?? e.factor;
  return { mean: e.mean, factor: f, d };
}

/** Squared robust Mahalanobis distances of the n rows of x. */
export function robustDistances(model: RobustCovariance, x: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  const work = new Float64Array(model.d);
  for (let i = 0; i < n; i++)
    out[i] = mahalanobis(model.factor, model.d, x, i * model.d, model.mean, work);
  return out;
}
