import { InputError } from '@mlwarden/core';
import { CompensatedSum } from '../stats/_compensated-sum.js';
import { createRandom } from '../stats/_random.js';
import { countAtMost } from '../stats/_sorted.js';
import { type KsMethod, ksPValue, ksStatisticSorted } from '../stats/ks-two-sample.js';
import { binCountsSorted, psiEdges, psiFromCounts } from '../stats/psi.js';
import { populationStdOfChunks, wassersteinSorted } from '../stats/wasserstein.js';

export interface NumericDriftSettings {
  /** `exact` gives SciPy's values; `sketch` skips the exact refinement and states error bounds. */
  mode: 'exact' | 'sketch';
  ksMethod: KsMethod;
  psiBins: number;
  psiFloor: number;
  seed: number;
  /** Exact mode sorts both samples outright below this many values in total. Default 262 144. */
  sortBelow?: number;
  /** Equal-width cells of the binned engine (at most 65 534). Default 65 534. */
  cells?: number;
}

export interface NumericDriftValues {
  ks: { statistic: number; pValue: number; method: 'exact' | 'asymptotic' };
  /** Raw Wasserstein-1 distance. */
  wassersteinDistance: number;
  /** Population standard deviation of the reference (ddof = 0). */
  referenceStd: number;
  /** Wasserstein-1 distance divided by `referenceStd`. */
  wasserstein: number;
  psi: number;
  /**
   * Exact modes: the PSI bins (edges are the reference deciles; the outer bins are open) with
   * the number of reference and current values in each, for plots.
   */
  histogram?: { edges: number[]; reference: number[]; current: number[] };
  /** Sketch mode only: how far each value may be from the exact one. */
  bounds?: {
    /** The exact KS statistic lies in [statistic, statistic + ksStatistic]. */
    ksStatistic: number;
    /** The exact p-value lies in this range. */
    ksPValue: [number, number];
    /** The exact distance lies in [wassersteinDistance, wassersteinDistance + this]. */
    wassersteinDistance: number;
    /** The same bound divided by the reference standard deviation. */
    wasserstein: number;
    /** The exact PSI lies in this range (sketch PSI puts the edges on cell boundaries). */
    psi: [number, number];
  };
}

/** A sample of finite values, as one array or as consecutive chunks (e.g. one per record batch). */
export type Values = Float64Array | readonly Float64Array[];

interface Chunked {
  chunks: readonly Float64Array[];
  length: number;
  /** starts[k] is the index of chunks[k][0] in the whole sample. */
  starts: Float64Array;
}

function chunked(values: Values): Chunked {
  const chunks = values instanceof Float64Array ? [values] : values;
  const starts = new Float64Array(chunks.length + 1);
  for (let k = 0; k < chunks.length; k++) {
    starts[k + 1] = (starts[k] as number) + (chunks[k] as Float64Array).length;
  }
  return { chunks, length: starts[chunks.length] as number, starts };
}

function valueAt(sample: Chunked, index: number): number {
  let lo = 0;
  let hi = sample.chunks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((sample.starts[mid] as number) <= index) lo = mid;
    else hi = mid - 1;
  }
  return (sample.chunks[lo] as Float64Array)[index - (sample.starts[lo] as number)] as number;
}

function joined(sample: Chunked): Float64Array {
  if (sample.chunks.length === 1) return sample.chunks[0] as Float64Array;
  const out = new Float64Array(sample.length);
  for (let k = 0; k < sample.chunks.length; k++) {
    out.set(sample.chunks[k] as Float64Array, sample.starts[k] as number);
  }
  return out;
}

const SAMPLE_SIZE = 16_384;
const MAX_CELLS = 65_534;
/** Share of the sample left to each open outer cell, so that rare outliers do not widen the cells. */
const TAIL_SHARE = 1 / 512;
/** In sketch mode, cells holding more than this share of either sample are sorted anyway. */
const HEAVY_CELL = 1 / 8192;

/**
 * Range of the equal-width cells: the 1/512 and 511/512 quantiles of a seeded sample of both
 * datasets (falling back to the sample's extremes, then to a unit width, for near-constant data).
 */
function sampleRange(ref: Chunked, cur: Chunked, seed: number) {
  const random = createRandom(seed);
  const draws = Math.min(ref.length, SAMPLE_SIZE) + Math.min(cur.length, SAMPLE_SIZE);
  const sample = new Float64Array(draws);
  let k = 0;
  for (const values of [ref, cur]) {
    const count = Math.min(values.length, SAMPLE_SIZE);
    for (let i = 0; i < count; i++) {
      sample[k++] = valueAt(values, Math.floor(random() * values.length));
    }
  }
  sample.sort();
  const tail = Math.floor(draws * TAIL_SHARE);
  let lo = sample[tail] as number;
  let hi = sample[draws - 1 - tail] as number;
  if (!(hi > lo)) {
    lo = sample[0] as number;
    hi = sample[draws - 1] as number;
  }
  if (!(hi > lo)) hi = lo + 1;
  return { lo, hi };
}

function normed(distance: number, std: number): number {
  if (std === 0) return distance === 0 ? 0 : Number.POSITIVE_INFINITY;
  return distance / std;
}

/** Exact drift values by sorting copies of both samples and merging them once. */
function sortedDrift(ref: Chunked, cur: Chunked, s: NumericDriftSettings) {
  const a = Float64Array.from(joined(ref)).sort();
  const b = Float64Array.from(joined(cur)).sort();
  const statistic = ksStatisticSorted(a, b);
  const edges = psiEdges(a.length, (i) => a[i] as number, s.psiBins);
  const refCounts = binCountsSorted(a, edges);
  const curCounts = binCountsSorted(b, edges);
  const psi = psiFromCounts(refCounts, curCounts, a.length, b.length, s.psiFloor);
  const distance = wassersteinSorted(a, b);
  const std = populationStdOfChunks(ref.chunks);
  return {
    ks: ksPValue(statistic, a.length, b.length, s.ksMethod),
    wassersteinDistance: distance,
    referenceStd: std,
    wasserstein: normed(distance, std),
    psi,
    histogram: { edges: [...edges], reference: [...refCounts], current: [...curCounts] },
  };
}

/** One sample's cell histogram: counts, in-cell offset sums, and the cell of every value. */
interface Binned {
  /** The cell of every value (exact mode only; sketch mode recomputes it when needed). */
  cells: Uint16Array<ArrayBuffer> | undefined;
  counts: Float64Array;
  /** Inner cells: Σ (x − ⌊x⌋); cell 0: Σ (−x); last cell: Σ (x − T). */
  offsets: Float64Array;
  /** Cumulative counts: before[b] values lie in cells < b. */
  before: Float64Array;
  min: number;
  max: number;
  /** Values of the two open outer cells, collected while binning (they are few). */
  lowerTail: Float64Array;
  upperTail: Float64Array;
}

/** A growable list of doubles. */
class Doubles {
  private data = new Float64Array(64);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = v;
  }
  values(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

/**
 * Cell arrays are large (2 bytes per value) and needed once per column; they are reused across
 * calls through a weak reference, so that a run over many columns allocates them once.
 */
let spareCells: WeakRef<Uint16Array<ArrayBuffer>>[] = [];

function cellBuffer(length: number, taken: Uint16Array | undefined): Uint16Array<ArrayBuffer> {
  for (const ref of spareCells) {
    const buffer = ref.deref();
    if (buffer !== undefined && buffer.buffer !== taken?.buffer && buffer.length >= length) {
      return buffer.subarray(0, length);
    }
  }
  const buffer = new Uint16Array(length);
  spareCells = [
    ...spareCells.filter((r) => r.deref() !== undefined).slice(-1),
    new WeakRef(buffer),
  ];
  return buffer;
}

function binSample(
  sample: Chunked,
  lo: number,
  scale: number,
  T: number,
  storeCells: boolean,
  taken?: Uint16Array,
): Binned {
  const cells = storeCells ? cellBuffer(sample.length, taken) : undefined;
  // Count and offset sum of a cell side by side: one cache line per value instead of two.
  const acc = new Float64Array(2 * (T + 2));
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  const lowerTail = new Doubles();
  const upperTail = new Doubles();
  let at = 0;
  for (const values of sample.chunks) {
    const n = values.length;
    for (let i = 0; i < n; i++) {
      const x = ((values[i] as number) - lo) * scale;
      let b: number;
      let offset: number;
      if (x >= 0 && x < T) {
        const f = x | 0;
        b = f + 1;
        offset = x - f;
      } else if (x < 0) {
        b = 0;
        offset = -x;
        if ((values[i] as number) < min) min = values[i] as number;
        lowerTail.push(values[i] as number);
      } else {
        b = T + 1;
        offset = x - T;
        if ((values[i] as number) > max) max = values[i] as number;
        upperTail.push(values[i] as number);
      }
      if (cells !== undefined) cells[at + i] = b;
      acc[2 * b] = (acc[2 * b] as number) + 1;
      acc[2 * b + 1] = (acc[2 * b + 1] as number) + offset;
    }
    at += n;
  }
  const counts = new Float64Array(T + 2);
  const offsets = new Float64Array(T + 2);
  for (let b = 0; b < T + 2; b++) {
    counts[b] = acc[2 * b] as number;
    offsets[b] = acc[2 * b + 1] as number;
  }
  const before = new Float64Array(T + 3);
  for (let b = 0; b < T + 2; b++) before[b + 1] = (before[b] as number) + (counts[b] as number);
  return {
    cells,
    counts,
    offsets,
    before,
    min,
    max,
    lowerTail: lowerTail.values(),
    upperTail: upperTail.values(),
  };
}

/** Sorted values of the marked cells, cell by cell; `start[b]` is where cell b begins. */
function gather(
  sample: Chunked,
  binned: Binned,
  marked: Uint8Array,
  T: number,
  cellOf: (v: number) => number,
) {
  const start = new Float64Array(T + 3);
  const cursor = new Int32Array(T + 2);
  // One flag per 64 cells, small enough to stay in L1: most values are rejected by it.
  const coarse = new Uint8Array(((T + 2) >> 6) + 1);
  // The outer cells' values were collected while binning; the pass only looks for inner ones.
  const innerMarked = Uint8Array.from(marked);
  innerMarked[0] = 0;
  innerMarked[T + 1] = 0;
  let total = 0;
  let inner = 0;
  for (let b = 0; b < T + 2; b++) {
    start[b] = total;
    cursor[b] = total;
    if (marked[b] === 1) {
      total += binned.counts[b] as number;
      if (b !== 0 && b !== T + 1) {
        inner += binned.counts[b] as number;
        coarse[b >> 6] = 1;
      }
    }
  }
  start[T + 2] = total;
  const out = new Float64Array(total);
  if (marked[0] === 1) out.set(binned.lowerTail, start[0] as number);
  if (marked[T + 1] === 1) out.set(binned.upperTail, start[T + 1] as number);
  const cells = binned.cells;
  let at = 0;
  if (inner > 0) {
    for (const values of sample.chunks) {
      const n = values.length;
      for (let i = 0; i < n; i++) {
        const b = cells === undefined ? cellOf(values[i] as number) : (cells[at + i] as number);
        if (coarse[b >> 6] === 1 && innerMarked[b] === 1) {
          out[cursor[b] as number] = values[i] as number;
          cursor[b] = (cursor[b] as number) + 1;
        }
      }
      at += n;
    }
  }
  for (let b = 0; b < T + 2; b++) {
    if (marked[b] === 1 && (binned.counts[b] as number) > 1) {
      const s = start[b] as number;
      out.subarray(s, s + (binned.counts[b] as number)).sort();
    }
  }
  return { out, start };
}

interface Gathered {
  out: Float64Array;
  start: Float64Array;
}

/** Exact PSI: decile edges from the sorted edge cells, counts at most each edge on both sides. */
function exactPsi(
  A: Binned,
  B: Binned,
  GA: Gathered,
  GB: Gathered,
  n1: number,
  n2: number,
  rankCell: (rank: number) => number,
  cellOf: (v: number) => number,
  s: NumericDriftSettings,
): { value: number; range?: [number, number]; histogram?: NumericDriftValues['histogram'] } {
  const valueAtRank = (rank: number): number => {
    const b = rankCell(rank);
    return GA.out[(GA.start[b] as number) + rank - (A.before[b] as number)] as number;
  };
  const edges = psiEdges(n1, valueAtRank, s.psiBins);
  const countAtMostEdge = (binned: Binned, g: Gathered, e: number) => {
    const b = cellOf(e);
    const start = g.start[b] as number;
    const segment = g.out.subarray(start, start + (binned.counts[b] as number));
    return (binned.before[b] as number) + countAtMost(segment, e);
  };
  const refCounts = new Float64Array(s.psiBins);
  const curCounts = new Float64Array(s.psiBins);
  let refBelow = 0;
  let curBelow = 0;
  for (let k = 0; k < edges.length; k++) {
    const r = countAtMostEdge(A, GA, edges[k] as number);
    const c = countAtMostEdge(B, GB, edges[k] as number);
    refCounts[k] = r - refBelow;
    curCounts[k] = c - curBelow;
    refBelow = r;
    curBelow = c;
  }
  refCounts[edges.length] = n1 - refBelow;
  curCounts[edges.length] = n2 - curBelow;
  return {
    value: psiFromCounts(refCounts, curCounts, n1, n2, s.psiFloor),
    histogram: { edges: [...edges], reference: [...refCounts], current: [...curCounts] },
  };
}

/** One PSI term (c − r) · ln(c / r) and its partial derivatives in r and c. */
function psiTerm(r: number, c: number): [number, number, number] {
  const ratio = Math.log(c / r);
  return [(c - r) * ratio, -ratio - (c - r) / r, ratio + (c - r) / c];
}

interface EdgeFraction {
  estimate: number;
  low: number;
  high: number;
}

/**
 * Sketch PSI: each decile edge is put on the upper boundary of the cell that holds it, where both
 * cumulative counts are known exactly. The exact PSI is bounded by evaluating the convex terms
 * over the intervals the true bin proportions can take: the maximum at a corner of the box, the
 * minimum no lower than the tangent plane at the estimate.
 */
function sketchPsi(
  A: Binned,
  B: Binned,
  edgeCells: readonly [number, number][],
  n1: number,
  n2: number,
  s: NumericDriftSettings,
): { value: number; range: [number, number] } {
  const fractions = (binned: Binned, n: number): EdgeFraction[] => [
    { estimate: 0, low: 0, high: 0 },
    ...edgeCells.map(([first, second]) => ({
      estimate: (binned.before[second + 1] as number) / n,
      low: (binned.before[first] as number) / n,
      high: (binned.before[second + 1] as number) / n,
    })),
    { estimate: 1, low: 1, high: 1 },
  ];
  const clamp = (p: number) => Math.max(s.psiFloor, Math.min(1, p));
  const proportions = (edges: EdgeFraction[], k: number) => {
    const a = edges[k] as EdgeFraction;
    const b = edges[k + 1] as EdgeFraction;
    return {
      estimate: clamp(b.estimate - a.estimate),
      low: clamp(b.low - a.high),
      high: clamp(b.high - a.low),
    };
  };
  const ref = fractions(A, n1);
  const cur = fractions(B, n2);
  let value = 0;
  let low = 0;
  let high = 0;
  for (let k = 0; k + 1 < ref.length; k++) {
    const r = proportions(ref, k);
    const c = proportions(cur, k);
    const [f, dr, dc] = psiTerm(r.estimate, c.estimate);
    value += f;
    high += Math.max(
      psiTerm(r.low, c.low)[0],
      psiTerm(r.low, c.high)[0],
      psiTerm(r.high, c.low)[0],
      psiTerm(r.high, c.high)[0],
    );
    const reach =
      Math.abs(dr) * Math.max(r.estimate - r.low, r.high - r.estimate) +
      Math.abs(dc) * Math.max(c.estimate - c.low, c.high - c.estimate);
    low += Math.max(0, f - reach);
  }
  return { value, range: [low, high] };
}

/**
 * Binned engine. Values are mapped to T equal-width cells between the 1/512 and 511/512
 * quantiles of a seeded sample of both datasets, plus one open cell on each side. Per cell it keeps counts and the sum
 * of in-cell offsets, which give ∫(F1 − F2) over the cell exactly; |F1 − F2| is bounded inside
 * a cell by the cell's masses. Exact mode sorts only the cells where those bounds leave the
 * answer open (where the KS maximum may lie, where F1 − F2 may change sign, and the cells of the
 * PSI edges); sketch mode sorts only the PSI cells and heavy cells, and reports the bounds of the
 * others instead.
 */
function binnedDrift(ref: Chunked, cur: Chunked, s: NumericDriftSettings) {
  const n1 = ref.length;
  const n2 = cur.length;
  const T = Math.min(MAX_CELLS, Math.max(16, s.cells ?? MAX_CELLS));
  const { lo, hi } = sampleRange(ref, cur, s.seed);
  const scale = T / (hi - lo);
  if (!Number.isFinite(scale) || scale <= 0) return undefined;
  const cellOf = (v: number): number => {
    const x = (v - lo) * scale;
    return x >= 0 ? (x < T ? (x | 0) + 1 : T + 1) : 0;
  };
  const exact = s.mode === 'exact';
  const A = binSample(ref, lo, scale, T, exact);
  const B = binSample(cur, lo, scale, T, exact, A.cells);
  const last = T + 1;
  // min and max are tracked in the outer cells only; inner cells never need them.
  const xMin = (Math.min(A.min, B.min) - lo) * scale;
  const xMax = (Math.max(A.max, B.max) - lo) * scale;
  const widthOf = (b: number): number =>
    b === 0 ? Math.max(0, -xMin) : b === last ? Math.max(0, xMax - T) : 1;

  // KS lower bound at cell boundaries, and the cells that could hold something larger.
  let dLow = 0;
  for (let b = 0; b <= last + 1; b++) {
    const g = (A.before[b] as number) / n1 - (B.before[b] as number) / n2;
    if (g > dLow) dLow = g;
    if (-g > dLow) dLow = -g;
  }
  const marked = new Uint8Array(last + 1);
  let dHigh = dLow;
  const wLow = new CompensatedSum();
  const slack = new CompensatedSum();
  for (let b = 0; b <= last; b++) {
    const c1 = A.counts[b] as number;
    const c2 = B.counts[b] as number;
    const g = (A.before[b] as number) / n1 - (B.before[b] as number) / n2;
    const p1 = c1 / n1;
    const p2 = c2 / n2;
    const up = g + p1;
    const down = p2 - g;
    const upper = Math.max(up, down);
    if (s.mode === 'exact' ? upper > dLow : p1 > HEAVY_CELL || p2 > HEAVY_CELL) marked[b] = 1;
    const w = widthOf(b);
    let integral: number;
    if (b === 0) integral = (A.offsets[0] as number) / n1 - (B.offsets[0] as number) / n2;
    else {
      integral =
        g * w + (c1 * w - (A.offsets[b] as number)) / n1 - (c2 * w - (B.offsets[b] as number)) / n2;
    }
    const signChange = g - p2 < 0 && g + p1 > 0;
    if (signChange && marked[b] !== 1) {
      if (s.mode === 'exact') marked[b] = 1;
      else slack.add(2 * w * Math.min(up, down));
    }
    if (marked[b] !== 1 && upper > dHigh) dHigh = upper;
    if (marked[b] !== 1) wLow.add(Math.abs(integral) / scale);
  }

  // PSI: the cells of the order statistics that the reference deciles interpolate between.
  const rankCell = (rank: number): number => {
    let l = 0;
    let h = last;
    while (l < h) {
      const m = (l + h + 1) >> 1;
      if ((A.before[m] as number) <= rank) l = m;
      else h = m - 1;
    }
    return l;
  };
  const edgeCells: [number, number][] = [];
  for (let k = 1; k < s.psiBins; k++) {
    const virtual = (n1 - 1) * (k / s.psiBins);
    const first = Math.min(n1 - 1, Math.floor(virtual));
    const second = Math.min(n1 - 1, first + 1);
    edgeCells.push([rankCell(first), rankCell(second)]);
    if (!exact) continue;
    for (let b = rankCell(first); b <= rankCell(second); b++) marked[b] = marked[b] === 1 ? 1 : 2;
  }
  const toGather = marked.map((m) => (m === 0 ? 0 : 1));
  const GA = gather(ref, A, toGather, T, cellOf);
  const GB = gather(cur, B, toGather, T, cellOf);

  // Exact contributions of the sorted cells (marked 1); PSI-only cells (2) are already in wLow.
  let dExact = dLow;
  const wExact = new CompensatedSum();
  for (let b = 0; b <= last; b++) {
    if (marked[b] !== 1) continue;
    let i = A.before[b] as number;
    let j = B.before[b] as number;
    const iEnd = i + (A.counts[b] as number);
    const jEnd = j + (B.counts[b] as number);
    const aBase = (GA.start[b] as number) - i;
    const bBase = (GB.start[b] as number) - j;
    let g = i / n1 - j / n2;
    // Inner pieces use exact differences of neighbouring values; the pieces from the cell's
    // edges to its first and last value use cell offsets, as the summed cells do.
    let previous = Number.NaN;
    while (i < iEnd || j < jEnd) {
      const u =
        i < iEnd && (j >= jEnd || (GA.out[aBase + i] as number) <= (GB.out[bBase + j] as number))
          ? (GA.out[aBase + i] as number)
          : (GB.out[bBase + j] as number);
      if (!Number.isNaN(previous)) wExact.add(Math.abs(g) * (u - previous));
      else if (b !== 0) wExact.add((Math.abs(g) * ((u - lo) * scale - (b - 1))) / scale);
      while (i < iEnd && GA.out[aBase + i] === u) i++;
      while (j < jEnd && GB.out[bBase + j] === u) j++;
      g = i / n1 - j / n2;
      if (g > dExact) dExact = g;
      if (-g > dExact) dExact = -g;
      previous = u;
    }
    if (b !== last && !Number.isNaN(previous)) {
      wExact.add((Math.abs(g) * (b - (previous - lo) * scale)) / scale);
    }
  }

  const psi = exact
    ? exactPsi(A, B, GA, GB, n1, n2, rankCell, cellOf, s)
    : sketchPsi(A, B, edgeCells, n1, n2, s);
  const std = populationStdOfChunks(ref.chunks);

  const distance = wLow.value + wExact.value;
  const ks = ksPValue(dExact, n1, n2, s.ksMethod);
  const values = {
    ks,
    wassersteinDistance: distance,
    referenceStd: std,
    wasserstein: normed(distance, std),
    psi: psi.value,
  };
  if (exact)
    return 'histogram' in psi && psi.histogram ? { ...values, histogram: psi.histogram } : values;
  const statisticBound = Math.max(dHigh, dExact) - dExact;
  const high = ksPValue(Math.min(1, dExact + statisticBound), n1, n2, s.ksMethod);
  const distanceBound = slack.value / scale;
  return {
    ...values,
    bounds: {
      ksStatistic: statisticBound,
      ksPValue: [high.pValue, ks.pValue] as [number, number],
      wassersteinDistance: distanceBound,
      wasserstein: normed(distanceBound, std),
      psi: psi.range ?? [psi.value, psi.value],
    },
  };
}

/**
 * KS statistic and p-value, Wasserstein-1 (raw and divided by the reference standard deviation)
 * and PSI of two samples of finite values. Neither array is modified.
 */
export function numericDrift(
  reference: Values,
  current: Values,
  settings: NumericDriftSettings,
): NumericDriftValues {
  const ref = chunked(reference);
  const cur = chunked(current);
  if (ref.length === 0 || cur.length === 0) {
    throw new InputError(`the ${ref.length === 0 ? 'reference' : 'current'} sample is empty`, {
      hint: 'drift needs at least one finite value on each side',
    });
  }
  const total = ref.length + cur.length;
  if (settings.mode === 'exact' && total < (settings.sortBelow ?? 262_144)) {
    return sortedDrift(ref, cur, settings);
  }
  return binnedDrift(ref, cur, settings) ?? sortedDrift(ref, cur, settings);
}
