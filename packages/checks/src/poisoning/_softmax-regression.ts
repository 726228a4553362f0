/**
 * Multinomial logistic regression (softmax, L2-penalised, with intercepts) fitted by L-BFGS with
 * an Armijo backtracking line search. Weights are `(d + 1) × K`, row d holding the intercepts.
 */

export interface SoftmaxOptions {
  /** L2 penalty on the weights (not the intercepts), per row: objective = mean loss + l2/2·‖W‖². */
  l2: number;
  maxIterations: number;
  /** Stop when the gradient's largest component falls below this. */
  tolerance: number;
  signal?: AbortSignal;
}

/** Class probabilities of row `i` of `z` (d columns) into `out[0 … K)`. */
export function softmaxRow(
  w: Float64Array,
  z: Float64Array,
  i: number,
  d: number,
  K: number,
  out: Float64Array,
): void {
  let max = Number.NEGATIVE_INFINITY;
  const o = i * d;
  for (let k = 0; k < K; k++) {
    let s = w[d * K + k] as number;
    for (let j = 0; j < d; j++) s += (z[o + j] as number) * (w[j * K + k] as number);
    out[k] = s;
    if (s > max) max = s;
  }
  let total = 0;
  for (let k = 0; k < K; k++) {
    const e = Math.exp((out[k] as number) - max);
    out[k] = e;
    total += e;
  }
  for (let k = 0; k < K; k++) out[k] = (out[k] as number) / total;
}

/** Objective and gradient over the training rows `train`. */
function evaluate(
  w: Float64Array,
  z: Float64Array,
  y: Int32Array,
  train: Int32Array,
  d: number,
  K: number,
  l2: number,
  grad: Float64Array,
  p: Float64Array,
): number {
  grad.fill(0);
  let loss = 0;
  const m = train.length;
  for (let t = 0; t < m; t++) {
    const i = train[t] as number;
    softmaxRow(w, z, i, d, K, p);
    const label = y[i] as number;
    loss -= Math.log(Math.max(p[label] as number, 1e-300));
    p[label] = (p[label] as number) - 1;
    const o = i * d;
    for (let j = 0; j < d; j++) {
      const v = z[o + j] as number;
      if (v === 0) continue;
      const row = j * K;
      for (let k = 0; k < K; k++) grad[row + k] = (grad[row + k] as number) + v * (p[k] as number);
    }
    const bias = d * K;
    for (let k = 0; k < K; k++) grad[bias + k] = (grad[bias + k] as number) + (p[k] as number);
  }
  let penalty = 0;
  for (let q = 0; q < grad.length; q++) {
    grad[q] = (grad[q] as number) / m;
    if (q < d * K) {
      const v = w[q] as number;
      grad[q] = (grad[q] as number) + l2 * v;
      penalty += v * v;
    }
  }
  return loss / m + 0.5 * l2 * penalty;
}

const dot = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let q = 0; q < a.length; q++) s += (a[q] as number) * (b[q] as number);
  return s;
};

/** Fits the model on rows `train` of the standardised matrix `z` with labels `y` in [0, K). */
export function fitSoftmax(
  z: Float64Array,
  y: Int32Array,
  train: Int32Array,
  d: number,
  K: number,
  options: SoftmaxOptions,
): Float64Array {
  const size = (d + 1) * K;
  const w = new Float64Array(size);
  const grad = new Float64Array(size);
  const p = new Float64Array(K);
  const history = 10;
  const s: Float64Array[] = [];
  const yy: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(history);
  const direction = new Float64Array(size);
  const trial = new Float64Array(size);
  const trialGrad = new Float64Array(size);
  let f = evaluate(w, z, y, train, d, K, options.l2, grad, p);
  for (let iteration = 0; iteration < options.maxIterations; iteration++) {
    options.signal?.throwIfAborted();
    let gmax = 0;
    for (let q = 0; q < size; q++) gmax = Math.max(gmax, Math.abs(grad[q] as number));
    if (gmax < options.tolerance) break;
    // Two-loop recursion: direction = −H·grad.
    direction.set(grad);
    for (let h = s.length - 1; h >= 0; h--) {
      const a = (rho[h] as number) * dot(s[h] as Float64Array, direction);
      alpha[h] = a;
      const yh = yy[h] as Float64Array;
      for (let q = 0; q < size; q++)
        direction[q] = (direction[q] as number) - a * (yh[q] as number);
    }
    if (s.length > 0) {
      const last = s.length - 1;
      const gamma =
        dot(s[last] as Float64Array, yy[last] as Float64Array) /
        dot(yy[last] as Float64Array, yy[last] as Float64Array);
      for (let q = 0; q < size; q++) direction[q] = (direction[q] as number) * gamma;
    }
    for (let h = 0; h < s.length; h++) {
      const beta = (rho[h] as number) * dot(yy[h] as Float64Array, direction);
      const sh = s[h] as Float64Array;
      const a = alpha[h] as number;
      for (let q = 0; q < size; q++)
        direction[q] = (direction[q] as number) + (sh[q] as number) * (a - beta);
    }
    for (let q = 0; q < size; q++) direction[q] = -(direction[q] as number);
    let slope = dot(grad, direction);
    if (!(slope < 0)) {
      // Not a descent direction: restart from steepest descent.
      s.length = 0;
      yy.length = 0;
      rho.length = 0;
      for (let q = 0; q < size; q++) direction[q] = -(grad[q] as number);
      slope = dot(grad, direction);
    }
    let step = iteration === 0 ? 1 / Math.max(1, Math.sqrt(-slope)) : 1;
    let fNew = Number.POSITIVE_INFINITY;
    for (let tries = 0; tries < 30; tries++) {
      for (let q = 0; q < size; q++) trial[q] = (w[q] as number) + step * (direction[q] as number);
      fNew = evaluate(trial, z, y, train, d, K, options.l2, trialGrad, p);
      if (fNew <= f + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNew < f)) break;
    const sNew = new Float64Array(size);
    const yNew = new Float64Array(size);
    for (let q = 0; q < size; q++) {
      sNew[q] = (trial[q] as number) - (w[q] as number);
      yNew[q] = (trialGrad[q] as number) - (grad[q] as number);
    }
    const sy = dot(sNew, yNew);
    if (sy > 1e-12) {
      if (s.length === history) {
        s.shift();
        yy.shift();
        rho.shift();
      }
      s.push(sNew);
      yy.push(yNew);
      rho.push(1 / sy);
    }
    w.set(trial);
    grad.set(trialGrad);
    f = fNew;
  }
  return w;
}
