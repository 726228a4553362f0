/**
 * Log-gamma and the regularised upper incomplete gamma function, accurate to a few units in the
 * last place over the range the drift tests need (chi-square p-values with up to tens of
 * thousands of degrees of freedom).
 */

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
const STIRLING_MIN = 15;

/** Remainder of Stirling's series: lnΓ(z) − [(z − ½) ln z − z + ½ ln 2π], for z ≥ 15. */
function stirlingRemainder(z: number): number {
  const r = 1 / z;
  const r2 = r * r;
  // Bernoulli-number coefficients B2k / (2k (2k − 1)), k = 1…7.
  return (
    r *
    (1 / 12 +
      r2 *
        (-1 / 360 +
          r2 *
            (1 / 1260 +
              r2 * (-1 / 1680 + r2 * (1 / 1188 + r2 * (-691 / 360360 + r2 * (1 / 156)))))))
  );
}

/** Natural logarithm of Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  if (x === Number.POSITIVE_INFINITY) return x;
  let z = x;
  let product = 1;
  while (z < STIRLING_MIN) {
    product *= z;
    z += 1;
  }
  const value = (z - 0.5) * Math.log(z) - z + HALF_LOG_2PI + stirlingRemainder(z);
  return product === 1 ? value : value - Math.log(product);
}

/**
 * log(x^a e^-x / Γ(a)), computed for large `a` in a form that avoids the cancellation between
 * a·ln x, x and lnΓ(a).
 */
function logPrefactor(a: number, x: number): number {
  if (a < STIRLING_MIN) return a * Math.log(x) - x - logGamma(a);
  const d = (x - a) / a;
  // a·ln(x/a) − (x − a) = −a·(d − ln(1 + d))
  return -a * (d - Math.log1p(d)) + 0.5 * Math.log(a) - HALF_LOG_2PI - stirlingRemainder(a);
}

const EPS = 2.220446049250313e-16;
const TINY = 1e-300;
const MAX_ITERATIONS = 1_000_000;

/** Lower series: P(a, x) = prefactor · Σ x^n / (a (a+1) … (a+n)). */
function lowerSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < MAX_ITERATIONS; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPS) break;
  }
  return Math.exp(logPrefactor(a, x)) * sum;
}

/** Continued fraction for Q(a, x), evaluated with the modified Lentz method. */
function upperContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return Math.exp(logPrefactor(a, x)) * h;
}

/** Regularised upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a), for a > 0, x ≥ 0. */
export function gammaQ(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return Number.NaN;
  if (x === 0) return 1;
  if (x === Number.POSITIVE_INFINITY) return 0;
  if (x < a + 1) return Math.min(1, Math.max(0, 1 - lowerSeries(a, x)));
  return Math.min(1, Math.max(0, upperContinuedFraction(a, x)));
}

/** Survival function of the chi-square distribution with `dof` degrees of freedom. */
export function chiSquareSf(statistic: number, dof: number): number {
  if (Number.isNaN(statistic)) return Number.NaN;
  if (statistic < 0) return 1;
  return gammaQ(dof / 2, statistic / 2);
}
