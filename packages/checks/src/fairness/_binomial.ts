/**
 * Exact binomial variates: inversion for small means, Hörmann's BTRD (transformed rejection with
 * decomposition, "The generation of binomial random variates", J. Stat. Comput. Simul. 46, 1993)
 * otherwise. Written from the published algorithm.
 */

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** ln k! − [(k + ½)·ln(k + 1) − (k + 1) + ½·ln 2π], the Stirling remainder, for k < 10. */
const SMALL_CORRECTIONS = Array.from({ length: 10 }, (_, k) => {
  let logFactorial = 0;
  for (let i = 2; i <= k; i++) logFactorial += Math.log(i);
  return logFactorial - ((k + 0.5) * Math.log(k + 1) - (k + 1) + HALF_LOG_2PI);
});

function stirlingCorrection(k: number): number {
  if (k < 10) return SMALL_CORRECTIONS[k] as number;
  const r = 1 / (k + 1);
  const r2 = r * r;
  return (1 / 12 - (1 / 360 - r2 / 1260) * r2) * r;
}

/** Inversion by sequential search, for n·p below 10. */
function inversion(n: number, p: number, random: () => number): number {
  const q = 1 - p;
  const s = p / q;
  const a = (n + 1) * s;
  for (;;) {
    let r = q ** n;
    let u = random();
    let x = 0;
    while (u > r) {
      u -= r;
      x++;
      if (x > n) break;
      r *= a / x - s;
    }
    if (x <= n) return x;
  }
}

function btrd(n: number, p: number, random: () => number): number {
  const q = 1 - p;
  const m = Math.floor((n + 1) * p);
  const r = p / q;
  const nr = (n + 1) * r;
  const npq = n * p * q;
  const spq = Math.sqrt(npq);
  const b = 1.15 + 2.53 * spq;
  const a = -0.0873 + 0.0248 * b + 0.01 * p;
  const c = n * p + 0.5;
  const alpha = (2.83 + 5.1 / b) * spq;
  const vr = 0.92 - 4.2 / b;
  const urvr = 0.86 * vr;
  for (;;) {
    let v = random();
    let u: number;
    if (v <= urvr) {
      u = v / vr - 0.43;
      return Math.floor(((2 * a) / (0.5 - Math.abs(u)) + b) * u + c);
    }
    if (v >= vr) {
      u = random() - 0.5;
    } else {
      u = v / vr - 0.93;
      u = Math.sign(u) * 0.5 - u;
      v = random() * vr;
    }
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + c);
    if (k < 0 || k > n) continue;
    v = (v * alpha) / (a / (us * us) + b);
    const km = Math.abs(k - m);
    if (km <= 15) {
      // Recursive evaluation of f(k) / f(m).
      let f = 1;
      if (m < k) {
        for (let i = m + 1; i <= k; i++) f *= nr / i - r;
      } else if (m > k) {
        for (let i = k + 1; i <= m; i++) v *= nr / i - r;
      }
      if (v <= f) return k;
      continue;
    }
    // Squeeze, then the final acceptance test on logarithms.
    v = Math.log(v);
    const rho = (km / npq) * (((km / 3 + 0.625) * km + 1 / 6) / npq + 0.5);
    const t = (-km * km) / (2 * npq);
    if (v < t - rho) return k;
    if (v > t + rho) continue;
    const nm = n - m + 1;
    const h =
      (m + 0.5) * Math.log((m + 1) / (r * nm)) + stirlingCorrection(m) + stirlingCorrection(n - m);
    const nk = n - k + 1;
    if (
      v <=
      h +
        (n + 1) * Math.log(nm / nk) +
        (k + 0.5) * Math.log((nk * r) / (k + 1)) -
        stirlingCorrection(k) -
        stirlingCorrection(n - k)
    ) {
      return k;
    }
  }
}

/** A Binomial(n, p) variate; `n` a non-negative integer, `p` in [0, 1]. */
export function binomial(n: number, p: number, random: () => number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - binomial(n, 1 - p, random);
  return n * p < 10 ? inversion(n, p, random) : btrd(n, p, random);
}

/**
 * Counts of a multinomial draw of `total` items over cells with weights `weights` (the observed
 * counts), written into `out`: the bootstrap resample of rows, drawn cell by cell.
 */
export function multinomial(
  weights: Float64Array,
  total: number,
  random: () => number,
  out: Float64Array,
): void {
  let left = total;
  let mass = 0;
  for (let i = 0; i < weights.length; i++) mass += weights[i] as number;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i] as number;
    if (left === 0 || w === 0) {
      out[i] = 0;
      mass -= w;
      continue;
    }
    const x = mass <= w ? left : binomial(left, w / mass, random);
    out[i] = x;
    left -= x;
    mass -= w;
  }
}
