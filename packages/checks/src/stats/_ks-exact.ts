/**
 * Exact null distribution of the two-sample Kolmogorov–Smirnov statistic, P(D_{m,n} ≥ h/lcm),
 * by counting lattice paths (Hodges 1958), arranged so that the complement is accumulated
 * directly (Viehmann 2021, arXiv:2102.08037) and the magnitudes stay bounded.
 */

/** Equal sample sizes: P(D_{n,n} ≥ h/n) by the alternating binomial series, in Horner form. */
function probOutsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let term = 1;
    for (let j = 0; j < h; j++) term = ((n - k * h - j) * term) / (n + k * h + j + 1);
    p = term * (1 - p);
  }
  return 2 * p;
}

/** Unequal sizes: proportion of paths from (0,0) to (m,n) that leave the band |x/m − y/n| < h/lcm. */
function probOutsideBand(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(lenA).fill(1);
  A.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = ((A[jj + minj - lastminj] as number) * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) A.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return A[maxj - minj - 1] as number;
}

function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/** Rounds half to even, like NumPy's `round`. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Exact two-sided p-value for statistic `d` with sample sizes n1, n2. Returns undefined when the
 * computation is not possible in double precision (the caller then uses the asymptotic method).
 * `statistic` is `d` snapped to the lattice h/lcm(n1, n2).
 */
export function ksExactPValue(
  d: number,
  n1: number,
  n2: number,
): { statistic: number; pValue: number } | undefined {
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = roundHalfEven(d * lcm);
  const statistic = h / lcm;
  if (h === 0) return { statistic, pValue: 1 };
  const p = n1 === n2 ? probOutsideSquare(n1, h) : probOutsideBand(n1, n2, g, h);
  if (!Number.isFinite(p) || p < 0 || p > 1) return undefined;
  return { statistic, pValue: p };
}

/** Whether the exact method can be attempted: lcm(n1, n2) must stay below 2^31. */
export function ksExactFeasible(n1: number, n2: number): boolean {
  const g = gcd(n1, n2);
  return n1 / g < 2147483647 / (n2 / g);
}
