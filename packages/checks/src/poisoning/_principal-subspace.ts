/**
 * Orthonormal basis of the top-`k` principal subspace of a symmetric positive semi-definite
 * e × e matrix (a covariance), by seeded orthogonal (subspace) iteration. k-means and distances
 * are invariant to rotations inside the subspace, so the basis is not rotated to eigenvectors.
 * Returns k vectors of length e, row-major (vector t at [t·e, (t+1)·e)).
 */
export function principalSubspace(
  cov: Float64Array,
  e: number,
  k: number,
  random: () => number,
  maxIterations = 500,
): Float64Array {
  let trace = 0;
  for (let i = 0; i < e; i++) trace += cov[i * e + i] as number;
  const tiny = 1e-13 * Math.max(trace, Number.MIN_VALUE);
  let q = new Float64Array(k * e);
  for (let i = 0; i < q.length; i++) q[i] = random() - 0.5;
  orthonormalize(q, e, k, random, 0);
  let z = new Float64Array(k * e);
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    z.fill(0);
    for (let t = 0; t < k; t++) {
      const at = t * e;
      for (let i = 0; i < e; i++) {
        const row = i * e;
        let s = 0;
        for (let j = 0; j < e; j++) s += (cov[row + j] as number) * (q[at + j] as number);
        z[at + i] = s;
      }
    }
    const replaced = orthonormalize(z, e, k, random, tiny);
    // Converged when the new basis spans the old one: Σ (qₜ·zᵤ)² = k, counting only vectors
    // that were not replaced by random directions (the null space of a rank-deficient matrix).
    let overlap = 0;
    let kept = 0;
    for (let u = 0; u < k; u++) {
      if (replaced[u] === 1) continue;
      kept++;
      for (let t = 0; t < k; t++) {
        let s = 0;
        for (let i = 0; i < e; i++) s += (q[t * e + i] as number) * (z[u * e + i] as number);
        overlap += s * s;
      }
    }
    const swap = q;
    q = z;
    z = swap;
    if (kept - overlap < 1e-12 * k) break;
  }
  return q;
}

/**
 * Modified Gram–Schmidt on k vectors of length e, in place. A vector whose remaining norm is at
 * most `tiny` (a rank-deficient matrix) is replaced by a fresh random direction; the returned
 * flags mark those.
 */
function orthonormalize(
  v: Float64Array,
  e: number,
  k: number,
  random: () => number,
  tiny: number,
): Uint8Array {
  const replaced = new Uint8Array(k);
  for (let t = 0; t < k; t++) {
    const at = t * e;
    for (let attempt = 0; ; attempt++) {
      for (let u = 0; u < t; u++) {
        let dot = 0;
        for (let i = 0; i < e; i++) dot += (v[at + i] as number) * (v[u * e + i] as number);
        for (let i = 0; i < e; i++)
          v[at + i] = (v[at + i] as number) - dot * (v[u * e + i] as number);
      }
      let norm = 0;
      for (let i = 0; i < e; i++) norm += (v[at + i] as number) ** 2;
      norm = Math.sqrt(norm);
      if (norm > tiny && norm > 0) {
        for (let i = 0; i < e; i++) v[at + i] = (v[at + i] as number) / norm;
        break;
      }
      if (attempt > 20) throw new Error('principalSubspace: cannot complete an orthonormal basis');
      replaced[t] = 1;
      for (let i = 0; i < e; i++) v[at + i] = random() - 0.5;
    }
  }
  return replaced;
}
