/**
 * Quantile `q` of the non-NaN values with linear interpolation between order statistics (numpy's
 * default method): position (m − 1)·q in the sorted m values. NaN when no value is a number.
 */
export function quantile(values: ArrayLike<number>, q: number): number {
  const sorted = Float64Array.from(values).filter((v) => !Number.isNaN(v));
  if (sorted.length === 0) return Number.NaN;
  sorted.sort();
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const a = sorted[lo] as number;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)] as number;
  return a + (h - lo) * (b - a);
}
