/**
 * Survival function of the two-sided one-sample Kolmogorov–Smirnov statistic D_n, P(D_n > x),
 * following the algorithm selection of Simard & L'Ecuyer (2011) "Computing the two-sided
 * Kolmogorov-Smirnov distribution", J. Stat. Softw. 39(11), with the same switch-over points that
 * SciPy's `kstwo` uses, so that p-values agree with SciPy's `ks_2samp(method='asymp')`:
 *
 * - Ruben–Gambino closed forms for n·x ≤ 1 and n·x ≥ n − 1;
 * - 2·Smirnov(n, x) (Birnbaum–Tingey sum) for x ≥ 0.5 and in the upper tail;
 * - Durbin's matrix method (Marsaglia, Tsang & Wang 2003) and Pomeranz's recursion (1974) for
 *   small n·x²;
 * - the Pelz–Good (1976) asymptotic series otherwise.
 */

const LOG_2PI = Math.log(2 * Math.PI);
const SQRT_2PI = Math.sqrt(2 * Math.PI);
const PI2 = Math.PI ** 2;
const PI4 = Math.PI ** 4;
const PI6 = Math.PI ** 6;
const SQRT3 = Math.sqrt(3);
const EPS = 2.220446049250313e-16;
const MIN_LOG = -708;
const SMIRNOV_MAX_COMPUTE_N = 1_000_000;
const SCALE_EXP = 128;
const SCALE_UP = 2 ** SCALE_EXP;
const SCALE_DOWN = 2 ** -SCALE_EXP;

const clip = (p: number): number => Math.min(1, Math.max(0, p));

/** log(n! / n^n) by Stirling's series. */
function logFactorialOverPower(n: number): number {
  const r = 1 / n;
  const u = r / n;
  // Horner evaluation of the series in 1/n² (Bernoulli coefficients, highest order first).
  const coefficients = [
    -3617 / 122400,
    1 / 156,
    -691 / 360360,
    1 / 1188,
    -1 / 1680,
    1 / 1260,
    -1 / 360,
    1 / 12,
  ];
  let poly = 0;
  for (const c of coefficients) poly = poly * u + c;
  return Math.log(n) / 2 - n + LOG_2PI / 2 + r * poly;
}

/**
 * One-sided Smirnov survival function P(D_n^+ > x) by the Birnbaum–Tingey sum, with the large-n
 * approximation exp(−(6nx + 1)² / 18n) above a million terms.
 */
export function smirnovSf(n: number, x: number): number {
  if (!(n > 0) || !(x >= 0 && x <= 1)) return Number.NaN;
  if (n === 1) return 1 - x;
  if (x === 0) return 1;
  if (x === 1) return 0;
  const nx = n * x;
  let nxFloor = Math.floor(nx);
  let alpha = nx - nxFloor;
  if (alpha >= 1) {
    nxFloor += 1;
    alpha = 0;
  }
  if (nxFloor === 0 || (nxFloor === 1 && alpha === 0)) {
    return 1 - x * (1 + x) ** (n - 1);
  }
  if (-2 * n * x * x < MIN_LOG - 38) return 0;
  if (nxFloor >= n - 1) return (1 - x) ** n;
  if (n > SMIRNOV_MAX_COMPUTE_N) {
    const logp = -((6 * n * x + 1) ** 2) / 18 / n;
    return logp < -Math.LN2 ? Math.exp(logp) : 1 + Math.expm1(logp);
  }
  // Lower sum: P = x · Σ_{v=0}^{⌊n(1−x)⌋} C(n, v) (x + v/n)^(v−1) (1 − x − v/n)^(n−v).
  let nTerms = n - nxFloor - (alpha === 0 ? 0 : 1) + 1;
  if (alpha === 0) nTerms -= 1;
  const half = Math.floor(n / 2);
  // log C(n, v) is accumulated term by term; its running sum grows to tens of thousands, so it is
  // kept in two parts (Neumaier) or the rounding of each addition would add up to ~1e-8.
  let sum = (1 - x) ** n / x;
  let compensation = 0;
  let logBinomial = Math.log(n); // log C(n, 1)
  let logBinomialLow = 0;
  for (let v = 1; v < nTerms; v++) {
    const up = v / n + x;
    const down = (n - v) / n - x;
    const term =
      down > 0
        ? Math.exp(
            logBinomial + (logBinomialLow + (v - 1) * Math.log(up) + (n - v) * Math.log(down)),
          )
        : 0;
    if (Number.isFinite(term) && term !== 0) {
      const t = sum + term;
      compensation += sum >= term ? sum - t + term : term - t + sum;
      sum = t;
      if (4 * (nTerms - v) * term < EPS * sum && v !== nTerms - 1) break;
    } else if (v > half) {
      break;
    }
    const step = Math.log((n - v) / (v + 1));
    const next = logBinomial + step;
    logBinomialLow +=
      Math.abs(logBinomial) >= Math.abs(step)
        ? logBinomial - next + step
        : step - next + logBinomial;
    logBinomial = next;
  }
  return clip(x * (sum + compensation));
}

/** x · 2^e without intermediate overflow of 2^e. */
function ldexp(x: number, e: number): number {
  let value = x;
  let rest = e;
  while (rest > 1000) {
    value *= 2 ** 1000;
    rest -= 1000;
  }
  while (rest < -1000) {
    value *= 2 ** -1000;
    rest += 1000;
  }
  return value * 2 ** rest;
}

function matmul(a: Float64Array, b: Float64Array, m: number): Float64Array<ArrayBuffer> {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < m; k++) {
      const aik = a[i * m + k] as number;
      if (aik === 0) continue;
      const rowB = k * m;
      const rowOut = i * m;
      for (let j = 0; j < m; j++) {
        out[rowOut + j] = (out[rowOut + j] as number) + aik * (b[rowB + j] as number);
      }
    }
  }
  return out;
}

/** P(D_n ≤ d) by Durbin's matrix method as arranged by Marsaglia, Tsang & Wang (2003). */
function durbinMatrixCdf(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] = (1 - h ** j) * fac;
  }
  const tt = Math.max(2 * h - 1, 0) ** m - 2 * h ** m;
  v[m - 1] = (1 + tt) * fac;
  let H = new Float64Array(m * m);
  for (let i = 1; i < m; i++) {
    for (let r = i - 1; r < m; r++) H[r * m + i] = w[r - i + 1] as number;
  }
  for (let r = 0; r < m; r++) H[r * m] = v[r] as number;
  for (let c = 0; c < m; c++) H[(m - 1) * m + c] = v[m - 1 - c] as number;

  let power = new Float64Array(m * m);
  for (let i = 0; i < m; i++) power[i * m + i] = 1;
  let nn = n;
  let exponent = 0;
  let hExponent = 0;
  const centre = (k - 1) * m + (k - 1);
  while (nn > 0) {
    if (nn % 2 === 1) {
      power = matmul(power, H, m);
      exponent += hExponent;
    }
    H = matmul(H, H, m);
    hExponent *= 2;
    if (Math.abs(H[centre] as number) > SCALE_UP) {
      for (let i = 0; i < H.length; i++) H[i] = (H[i] as number) / SCALE_UP;
      hExponent += SCALE_EXP;
    }
    nn = Math.floor(nn / 2);
  }
  let p = power[centre] as number;
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < SCALE_DOWN) {
      p *= SCALE_UP;
      exponent -= SCALE_EXP;
    }
  }
  return clip(exponent === 0 ? p : ldexp(p, exponent));
}

/** Interval of the Pomeranz recursion's row `i` (0-based bounds into the state vector). */
function pomeranzBounds(
  i: number,
  n: number,
  ll: number,
  ceilf: number,
  roundf: number,
): [number, number] {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -ll - ceilf - 1;
    j2 = ll + ceilf - 1;
  } else {
    const half = Math.floor((i + 1) / 2);
    if ((i + 1) % 2 === 0) {
      if (half === n + 1) {
        j1 = n - ll - ceilf - 1;
        j2 = n + ll + ceilf - 1;
      } else {
        j1 = half - 1 - ll - roundf - 1;
        j2 = half + ll - 1 + ceilf - 1;
      }
    } else {
      j1 = half - 1 - ll - 1;
      j2 = half + ll + roundf - 1;
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)];
}

/** P(D_n ≤ x) by Pomeranz's recursion (1974). */
function pomeranzCdf(n: number, x: number): number {
  const t = n * x;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilf = f > 0 ? 1 : 0;
  const roundf = f > 0.5 ? 1 : 0;
  const npwrs = 2 * (ll + 1);
  const gpower = new Float64Array(npwrs);
  const twogpower = new Float64Array(npwrs);
  const onem2gpower = new Float64Array(npwrs);
  gpower[0] = 1;
  twogpower[0] = 1;
  onem2gpower[0] = 1;
  const gOverN = g / n;
  const twoGOverN = (2 * g) / n;
  const oneMinusTwoGOverN = (1 - 2 * g) / n;
  for (let m = 1; m < npwrs; m++) {
    gpower[m] = ((gpower[m - 1] as number) * gOverN) / m;
    twogpower[m] = ((twogpower[m - 1] as number) * twoGOverN) / m;
    onem2gpower[m] = ((onem2gpower[m - 1] as number) * oneMinusTwoGOverN) / m;
  }
  let v0 = new Float64Array(npwrs);
  let v1 = new Float64Array(npwrs);
  v1[0] = 1;
  let v0s = 0;
  let v1s = 0;
  let exponent = 0;
  let [j1, j2] = pomeranzBounds(0, n, ll, ceilf, roundf);
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1;
    [v0, v1] = [v1, v0];
    [v0s, v1s] = [v1s, v0s];
    v1.fill(0);
    [j1, j2] = pomeranzBounds(i, n, ll, ceilf, roundf);
    const powers = i === 1 || i === 2 * n + 1 ? gpower : i % 2 === 1 ? twogpower : onem2gpower;
    const ln2 = j2 - k1 + 1;
    if (ln2 > 0) {
      const aStart = k1 - v0s;
      const aLength = Math.max(0, Math.min(ln2, npwrs - aStart));
      const bLength = Math.min(ln2, npwrs);
      const convStart = j1 - k1;
      const convLength = Math.min(j2 - j1 + 1, npwrs);
      let max = 0;
      for (let out = 0; out < convLength; out++) {
        const c = convStart + out;
        if (c > aLength + bLength - 2) break;
        let s = 0;
        const lo = Math.max(0, c - bLength + 1);
        const hi = Math.min(c, aLength - 1);
        for (let a = lo; a <= hi; a++) s += (v0[aStart + a] as number) * (powers[c - a] as number);
        v1[out] = s;
        if (s > max) max = s;
      }
      if (max > 0 && max < SCALE_DOWN) {
        for (let j = 0; j < npwrs; j++) v1[j] = (v1[j] as number) * SCALE_UP;
        exponent -= SCALE_EXP;
      }
      v1s = v0s + j1 - k1;
    }
  }
  let answer = v1[n - v1s] as number;
  for (let m = 1; m <= n; m++) {
    if (Math.abs(answer) > SCALE_UP) {
      answer *= SCALE_DOWN;
      exponent += SCALE_EXP;
    }
    answer *= m;
  }
  return clip(exponent === 0 ? answer : ldexp(answer, exponent));
}

/** Pelz–Good (1976) asymptotic approximation of P(D_n ≤ x). */
function pelzGoodCdf(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z ** 2;
  const z3 = z ** 3;
  const z4 = z ** 4;
  const z6 = z ** 6;
  const qlog = -PI2 / 8 / z2;
  if (qlog < MIN_LOG) return 0;
  let q = Math.exp(qlog);
  const k1a = -z2;
  const k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4;
  const k2c = (PI4 * (1 - 2 * z2)) / 16;
  const k3d = (PI6 * (5 - 30 * z2)) / 64;
  const k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;
  let k0 = 0;
  let k1 = 0;
  let k2 = 0;
  let k3 = 0;
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1;
    const m2 = m ** 2;
    const m4 = m ** 4;
    const m6 = m ** 6;
    const qpower = q ** (8 * k);
    k0 = k0 * qpower + 1;
    k1 = k1 * qpower + (k1a + k1b * m2);
    k2 = k2 * qpower + (k2a + k2b * m2 + k2c * m4);
    k3 = k3 * qpower + (k3a + k3b * m2 + k3c * m4 + k3d * m6);
  }
  k0 = (k0 * q * SQRT_2PI) / z;
  k1 = (k1 * q * SQRT_2PI) / (6 * z4);
  k2 = (k2 * q * SQRT_2PI) / (72 * z ** 7);
  k3 = (k3 * q * SQRT_2PI) / (6480 * z ** 10);
  q = Math.exp(-PI2 / 2 / z2);
  const sqrt3z = SQRT3 * z;
  let k2extra = 0;
  let k3extra = 0;
  for (let k = maxk; k > 0; k--) {
    const ksq = k ** 2;
    const qp = q ** ksq;
    const kpi = Math.PI * k;
    k2extra += ksq * qp;
    k3extra += (sqrt3z + kpi) * (sqrt3z - kpi) * ksq * qp;
  }
  k2 += k2extra * ((PI2 * SQRT_2PI) / (-36 * z3));
  k3 += k3extra * ((PI2 * SQRT_2PI) / (216 * z6));
  return k0 + k1 / n ** 0.5 + k2 / n ** 1 + k3 / n ** 1.5;
}

/**
 * P(D_n > x) for the two-sided one-sample Kolmogorov–Smirnov statistic with n observations
 * (SciPy's `kstwo.sf`).
 */
export function kolmogorovSf(n: number, x: number): number {
  if (!Number.isInteger(n) || n <= 0 || Number.isNaN(x)) return Number.NaN;
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    let cdf: number;
    if (n <= 140) {
      cdf = 1;
      for (let i = 1; i <= n; i++) cdf *= i * (1 / n) * (2 * t - 1);
    } else {
      cdf = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    }
    return clip(1 - cdf);
  }
  if (t >= n - 1) return clip(2 * (1 - x) ** n);
  if (x >= 0.5) return clip(2 * smirnovSf(n, x));
  const nxSquared = t * x;
  if (n <= 140) {
    if (nxSquared <= 0.754693) return clip(1 - durbinMatrixCdf(n, x));
    if (nxSquared <= 4) return clip(1 - pomeranzCdf(n, x));
    return clip(2 * smirnovSf(n, x));
  }
  if (nxSquared >= 370) return 0;
  if (nxSquared >= 2.2) return clip(2 * smirnovSf(n, x));
  const cdf = n <= 100_000 && n * x ** 1.5 <= 1.4 ? durbinMatrixCdf(n, x) : pelzGoodCdf(n, x);
  return clip(1 - cdf);
}
