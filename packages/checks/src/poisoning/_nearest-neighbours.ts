/** Exact k-nearest-neighbour search (squared Euclidean) of every row against a reference set. */

export interface Neighbours {
  k: number;
  /** Row `i`'s neighbours are `index[i·k …]`, nearest first (row indices of the matrix). */
  index: Int32Array;
  /** Squared distances, in the same order. */
  distance: Float64Array;
}

/**
 * Inserts a candidate into the ascending lists of the best distances and their rows, dropping the
 * last; returns the new largest distance kept. The caller checks `distance` < that value first.
 */
export function insertBest(
  bestD: Float64Array,
  bestI: Int32Array,
  distance: number,
  row: number,
): number {
  let at = bestD.length - 1;
  while (at > 0 && (bestD[at - 1] as number) > distance) {
    bestD[at] = bestD[at - 1] as number;
    bestI[at] = bestI[at - 1] as number;
    at--;
  }
  bestD[at] = distance;
  bestI[at] = row;
  return bestD[bestD.length - 1] as number;
}

/** Queries handled together: each reference value loaded once serves this many rows. */
const BLOCK = 4;

/**
 * The `k` nearest of the rows `reference` of `base` (default: `z` itself) for each of the `n` rows
 * of `z` (row-major, `d` columns). When `base` is `z`, a row is never its own neighbour. Distances come from ‖r‖² − 2·q·r (+ ‖q‖²) with the
 * reference stored feature-major, four query rows at a time, so the inner loop runs over
 * contiguous memory; the best k of each row are kept in a small sorted list.
 */
export function nearestNeighbours(
  z: Float64Array,
  n: number,
  d: number,
  reference: Int32Array,
  k: number,
  options: { base?: Float64Array; signal?: AbortSignal; onProgress?: (done: number) => void } = {},
): Neighbours {
  const base = options.base ?? z;
  const self = base === z;
  const R = reference.length;
  const kk = Math.min(k, Math.max(0, self ? R - 1 : R));
  const index = new Int32Array(n * kk);
  const distance = new Float64Array(n * kk);
  if (kk === 0) return { k: 0, index, distance };
  const columns = new Float64Array(d * R);
  const norms = new Float64Array(R);
  for (let r = 0; r < R; r++) {
    const o = (reference[r] as number) * d;
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = base[o + j] as number;
      columns[j * R + r] = v;
      s += v * v;
    }
    norms[r] = s;
  }
  const acc = Array.from({ length: BLOCK }, () => new Float64Array(R));
  const [a0, a1, a2, a3] = acc as [Float64Array, Float64Array, Float64Array, Float64Array];
  const bestD = new Float64Array(kk);
  const bestI = new Int32Array(kk);
  const q = new Float64Array(BLOCK);
  for (let start = 0; start < n; start += BLOCK) {
    if ((start & 1023) === 0) {
      options.signal?.throwIfAborted();
      options.onProgress?.(start);
    }
    const count = Math.min(BLOCK, n - start);
    for (const a of acc) a.set(norms);
    for (let j = 0; j < d; j++) {
      for (let b = 0; b < BLOCK; b++)
        q[b] = b < count ? -2 * (z[(start + b) * d + j] as number) : 0;
      const q0 = q[0] as number;
      const q1 = q[1] as number;
      const q2 = q[2] as number;
      const q3 = q[3] as number;
      const base = j * R;
      for (let r = 0; r < R; r++) {
        const c = columns[base + r] as number;
        a0[r] = (a0[r] as number) + q0 * c;
        a1[r] = (a1[r] as number) + q1 * c;
        a2[r] = (a2[r] as number) + q2 * c;
        a3[r] = (a3[r] as number) + q3 * c;
      }
    }
    for (let b = 0; b < count; b++) {
      const i = start + b;
      const a = acc[b] as Float64Array;
      let norm = 0;
      for (let j = 0; j < d; j++) norm += (z[i * d + j] as number) ** 2;
      bestD.fill(Number.POSITIVE_INFINITY);
      bestI.fill(-1);
      let worst = Number.POSITIVE_INFINITY;
      for (let r = 0; r < R; r++) {
        const s = (a[r] as number) + norm;
        if (s >= worst) continue;
        const row = reference[r] as number;
        if (self && row === i) continue;
        worst = insertBest(bestD, bestI, s, row);
      }
      for (let t = 0; t < kk; t++) bestD[t] = Math.max(0, bestD[t] as number);
      index.set(bestI, i * kk);
      distance.set(bestD, i * kk);
    }
  }
  return { k: kk, index, distance };
}
