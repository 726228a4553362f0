/** Median and scaled median absolute deviation (1.4826·MAD ≈ σ for normal data) of values. */
export function medianAndScale(values: Float64Array): { median: number; scale: number } {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) return { median: Number.NaN, scale: Number.NaN };
  const mid = (a: Float64Array) =>
    a.length % 2 === 1
      ? (a[(a.length - 1) / 2] as number)
      : ((a[a.length / 2 - 1] as number) + (a[a.length / 2] as number)) / 2;
  const median = mid(sorted);
  const deviations = Float64Array.from(sorted, (v) => Math.abs(v - median)).sort();
  return { median, scale: 1.4826 * mid(deviations) };
}

/**
 * Per column of a row-major matrix: median and scaled MAD. A zero MAD becomes the standard
 * deviation (or 1), unless `rawScale` asks for the MAD as it is.
 */
export function columnMedians(
  x: Float64Array,
  n: number,
  d: number,
  options: { rawScale?: boolean } = {},
) {
  const median = new Float64Array(d);
  const scale = new Float64Array(d);
  const column = new Float64Array(n);
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) {
      const v = x[i * d + j] as number;
      column[i] = v;
      mean += v / n;
    }
    const m = medianAndScale(column);
    median[j] = m.median;
    if (m.scale > 0 || options.rawScale) scale[j] = m.scale;
    else {
      let ss = 0;
      for (let i = 0; i < n; i++) ss += ((column[i] as number) - mean) ** 2;
      const sd = Math.sqrt(ss / Math.max(1, n));
      scale[j] = sd > 0 ? sd : 1;
    }
  }
  return { median, scale };
}
