/** A number for a message: 3 significant digits, or the exponent form for tiny p-values. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs < 1e-3 || abs >= 1e6) return x.toExponential(2);
  return String(Number(x.toPrecision(3)));
}

/** A metric value that JSON can hold: non-finite numbers become null. */
export function jsonNumber(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
