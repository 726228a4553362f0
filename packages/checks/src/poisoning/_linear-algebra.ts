/** Small dense linear algebra for d × d covariance matrices (row-major Float64Arrays). */

/**
 * Cholesky factor L (lower triangular, row-major) of a symmetric positive definite matrix, or
 * undefined when it is not positive definite.
 */
export function cholesky(a: Float64Array, d: number): Float64Array | undefined {
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j] as number;
      for (let k = 0; k < j; k++) s -= (l[i * d + k] as number) * (l[j * d + k] as number);
      if (i === j) {
        if (!(s > 0)) return undefined;
        l[i * d + i] = Math.sqrt(s);
      } else {
        l[i * d + j] = s / (l[j * d + j] as number);
      }
    }
  }
  return l;
}

/** log det of the matrix whose Cholesky factor is `l`. */
export function logDeterminant(l: Float64Array, d: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) s += 2 * Math.log(l[i * d + i] as number);
  return s;
}

/** Squared Mahalanobis distance of `v − mean` under the covariance with Cholesky factor `l`. */
export function mahalanobis(
  l: Float64Array,
  d: number,
  x: Float64Array,
  offset: number,
  mean: Float64Array,
  work: Float64Array,
): number {
  // Solve L·w = (x − mean) by forward substitution; the distance is ‖w‖².
  let total = 0;
  for (let i = 0; i < d; i++) {
    let s = (x[offset + i] as number) - (mean[i] as number);
    for (let k = 0; k < i; k++) s -= (l[i * d + k] as number) * (work[k] as number);
    const w = s / (l[i * d + i] as number);
    work[i] = w;
    total += w * w;
  }
  return total;
}

/** Mean and covariance (divided by m − 1) of rows `rows` of the row-major matrix `x`. */
export function meanCovariance(
  x: Float64Array,
  d: number,
  rows: ArrayLike<number>,
): { mean: Float64Array; cov: Float64Array } {
  const m = rows.length;
  const mean = new Float64Array(d);
  for (let t = 0; t < m; t++) {
    const o = (rows[t] as number) * d;
    for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) + (x[o + j] as number);
  }
  for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) / Math.max(1, m);
  const cov = new Float64Array(d * d);
  const c = new Float64Array(d);
  for (let t = 0; t < m; t++) {
    const o = (rows[t] as number) * d;
    for (let j = 0; j < d; j++) c[j] = (x[o + j] as number) - (mean[j] as number);
    for (let i = 0; i < d; i++) {
      const ci = c[i] as number;
      if (ci === 0) continue;
      for (let j = 0; j <= i; j++)
        cov[i * d + j] = (cov[i * d + j] as number) + ci * (c[j] as number);
    }
  }
  const denominator = Math.max(1, m - 1);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      const v = (cov[i * d + j] as number) / denominator;
      cov[i * d + j] = v;
      cov[j * d + i] = v;
    }
  }
  return { mean, cov };
}

/** Adds `ridge` times the mean diagonal (at least `ridge`) to the diagonal, in place. */
export function regularize(cov: Float64Array, d: number, ridge: number): void {
  let trace = 0;
  for (let i = 0; i < d; i++) trace += cov[i * d + i] as number;
  const add = Math.max(ridge, (ridge * trace) / Math.max(1, d));
  for (let i = 0; i < d; i++) cov[i * d + i] = (cov[i * d + i] as number) + add;
}
