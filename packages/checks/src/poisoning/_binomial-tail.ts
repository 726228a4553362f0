import { logGamma } from '../stats/_gamma.js';

/** log C(n, k). */
function logChoose(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

/** Exact P(X ≥ k) for X ~ Binomial(n, p), summed in log space from k upwards. */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  const lp = Math.log(p);
  const lq = Math.log1p(-p);
  let max = Number.NEGATIVE_INFINITY;
  const terms: number[] = [];
  for (let x = k; x <= n; x++) {
    const t = logChoose(n, x) + x * lp + (n - x) * lq;
    terms.push(t);
    if (t > max) max = t;
    // Terms fall geometrically past the mode; stop once they are negligible.
    if (x > n * p && t < max - 40) break;
  }
  let sum = 0;
  for (const t of terms) sum += Math.exp(t - max);
  return Math.min(1, Math.exp(max) * sum);
}
