import type { TabularConstraints } from './tabular-constraints.js';

/** Per-feature lower and upper bounds: from the constraints, else the range of the data (as ART does). */
export function featureBounds(
  constraints: TabularConstraints | undefined,
  x: Float32Array,
  width: number,
): { lo: Float64Array; hi: Float64Array } {
  let dataMin = Number.POSITIVE_INFINITY;
  let dataMax = Number.NEGATIVE_INFINITY;
  for (const v of x) {
    if (v < dataMin) dataMin = v;
    if (v > dataMax) dataMax = v;
  }
  const fill = (value: number | ArrayLike<number> | undefined, fallback: number): Float64Array => {
    const out = new Float64Array(width).fill(fallback);
    if (typeof value === 'number') out.fill(value);
    else if (value !== undefined) {
      for (let j = 0; j < width; j++) {
        const v = value[j] as number;
        if (Number.isFinite(v)) out[j] = v;
      }
    }
    return out;
  };
  return { lo: fill(constraints?.min, dataMin), hi: fill(constraints?.max, dataMax) };
}
