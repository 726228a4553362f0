import { InputError } from '../errors/input-error.js';
import {
  DEFAULT_TOP_K_CAPACITY,
  type FrequentItem,
  FrequentItems,
  type FrequentItemsJSON,
} from './frequent-items.js';
import { DEFAULT_HLL_PRECISION, HyperLogLog, type HyperLogLogJSON } from './hyper-log-log.js';
import { DEFAULT_KLL_K, KllSketch, type KllSketchJSON } from './kll-sketch.js';
import { Moments, type MomentsJSON } from './moments.js';

export const COLUMN_PROFILE_SCHEMA = 'mlwarden.column-profile/v1';

/**
 * How a column is summarised: `numeric` (ints, floats, dates, times, timestamps, durations — as
 * float64), `string` (utf8), `categorical` (dictionary-encoded), `boolean`, or `other` (binary,
 * nested, decimal, …: counts and nulls only).
 */
export type ColumnKind = 'numeric' | 'string' | 'categorical' | 'boolean' | 'other';

/** Sketch sizes and the seed of a profile; all profiles that are merged must share them. */
export interface SketchOptions {
  /** KLL parameter: rank error ≈ 2.65 / k^0.94 (1.8 % at the default 200). */
  quantileK?: number;
  /** HyperLogLog precision p: 2^p registers, relative error 1.04 / 2^(p/2) (1.6 % at 12). */
  distinctPrecision?: number;
  /** Misra–Gries counters: counts are undercounted by at most 2n / capacity (default 128). */
  topKCapacity?: number;
  /** Seed of every randomised choice (KLL compaction and sampling). */
  seed?: number;
}

/** Serialised form of {@link ColumnProfile}; `profileFromJSON` restores it exactly. */
export interface ColumnProfileJSON {
  schema: typeof COLUMN_PROFILE_SCHEMA;
  name: string;
  type: string;
  kind: ColumnKind;
  count: number;
  nulls: number;
  nan: number;
  positiveInfinity: number;
  negativeInfinity: number;
  trues: number;
  emptyStrings: number;
  invalidUtf8: number;
  byteLength: { min: number; max: number; total: number } | null;
  moments: MomentsJSON | null;
  quantiles: KllSketchJSON | null;
  distinct: HyperLogLogJSON | null;
  topK: FrequentItemsJSON | null;
}

/** An equal-width histogram derived from the quantile sketch (no second pass over the data). */
export interface Histogram {
  /** `bins + 1` edges from min to max; bin 0 is `[e0, e1]`, bin i > 0 is `(e_i, e_(i+1)]`. */
  edges: number[];
  /** Estimated counts of finite values per bin; they sum to the number of finite values. */
  counts: number[];
  /** Bound on each count's error at 99 % confidence: 2 · rankError · finite count. */
  countError: number;
}

/**
 * A mergeable summary of one column. Exact: count, nulls, NaN and ±Infinity counts, min, max,
 * true counts, string lengths. Numerically stable and mergeable: mean, variance, skewness,
 * kurtosis (finite values only, so NaN and infinities never poison them). Sketches with stated
 * bounds: quantiles and histogram (KLL), distinct count (HyperLogLog), top-k (Misra–Gries).
 */
export class ColumnProfile {
  readonly name: string;
  type: string;
  readonly kind: ColumnKind;
  count = 0;
  nulls = 0;
  nan = 0;
  positiveInfinity = 0;
  negativeInfinity = 0;
  trues = 0;
  emptyStrings = 0;
  invalidUtf8 = 0;
  byteLength: { min: number; max: number; total: number } | null = null;
  moments: Moments | null;
  quantiles: KllSketch | null;
  distinct: HyperLogLog | null;
  topK: FrequentItems | null;

  constructor(name: string, type: string, kind: ColumnKind, options: SketchOptions = {}) {
    this.name = name;
    this.type = type;
    this.kind = kind;
    const numeric = kind === 'numeric';
    const counted = kind !== 'other';
    this.moments = numeric ? new Moments() : null;
    this.quantiles = numeric
      ? new KllSketch({ k: options.quantileK ?? DEFAULT_KLL_K, seed: options.seed ?? 0 })
      : null;
    this.distinct = counted
      ? new HyperLogLog(options.distinctPrecision ?? DEFAULT_HLL_PRECISION)
      : null;
    this.topK = counted ? new FrequentItems(options.topKCapacity ?? DEFAULT_TOP_K_CAPACITY) : null;
  }

  /** Rows that are not null. */
  get valid(): number {
    return this.count - this.nulls;
  }

  /** Finite numeric values (the population of moments, quantiles and histogram). */
  get finite(): number {
    return this.moments?.n ?? 0;
  }

  get min(): number | undefined {
    return this.quantiles && this.quantiles.count > 0 ? this.quantiles.min : undefined;
  }

  get max(): number | undefined {
    return this.quantiles && this.quantiles.count > 0 ? this.quantiles.max : undefined;
  }

  get mean(): number | undefined {
    return this.moments && this.moments.n > 0 ? this.moments.mean : undefined;
  }

  /** Population variance of the finite values. */
  get variance(): number | undefined {
    return this.moments?.variance;
  }

  get stddev(): number | undefined {
    const v = this.variance;
    return v === undefined ? undefined : Math.sqrt(v);
  }

  get skewness(): number | undefined {
    return this.moments?.skewness;
  }

  /** Excess kurtosis (0 for a normal distribution). */
  get kurtosis(): number | undefined {
    return this.moments?.excessKurtosis;
  }

  /** Normalized rank error of `quantile` and `rank` at 99 % confidence. */
  get quantileError(): number | undefined {
    return this.quantiles?.rankError;
  }

  quantile(q: number): number | undefined {
    return this.quantiles?.quantile(q);
  }

  /** Estimated fraction of finite values `<= x`. */
  rank(x: number): number | undefined {
    return this.quantiles?.rank(x);
  }

  /** Estimated number of distinct non-null values (relative standard error `distinctError`). */
  get distinctCount(): number | undefined {
    if (!this.distinct) return undefined;
    return Math.round(this.distinct.estimate());
  }

  get distinctError(): number | undefined {
    return this.distinct?.standardError;
  }

  /** The `k` most frequent values with lower-bound counts and their maximum undercount. */
  top(k = 10): FrequentItem[] {
    return this.topK?.top(k) ?? [];
  }

  /** Equal-width histogram of the finite values, derived from the quantile sketch. */
  histogram(bins = 20): Histogram | undefined {
    const sketch = this.quantiles;
    if (!sketch || sketch.count === 0) return undefined;
    if (!Number.isInteger(bins) || bins < 1) {
      throw new InputError(`histogram bins must be a positive integer, got ${bins}`);
    }
    const n = sketch.count;
    const lo = sketch.min;
    const hi = sketch.max;
    const countError = 2 * sketch.rankError * n;
    if (lo === hi) return { edges: [lo, hi], counts: [n], countError: 0 };
    const edges: number[] = [];
    for (let i = 0; i <= bins; i++) edges.push(i === bins ? hi : lo + ((hi - lo) * i) / bins);
    const counts: number[] = [];
    let previous = 0;
    for (let i = 1; i <= bins; i++) {
      const cumulative = i === bins ? n : Math.round(sketch.rank(edges[i]!)! * n);
      counts.push(cumulative - previous);
      previous = cumulative;
    }
    return { edges, counts, countError };
  }

  /** Merges `other` (the same column from another batch or partition) into this profile. */
  merge(other: ColumnProfile): this {
    if (other.kind !== this.kind) {
      throw new InputError(
        `cannot merge profiles of column "${this.name}": kinds differ (${this.kind} vs ${other.kind})`,
        {
          code: 'MLW_PROFILE_INCOMPATIBLE',
          hint: 'profile every partition with the same schema; cast the column in the source first',
        },
      );
    }
    if (other.type !== this.type) this.type = `${this.type} | ${other.type}`;
    this.count += other.count;
    this.nulls += other.nulls;
    this.nan += other.nan;
    this.positiveInfinity += other.positiveInfinity;
    this.negativeInfinity += other.negativeInfinity;
    this.trues += other.trues;
    this.emptyStrings += other.emptyStrings;
    this.invalidUtf8 += other.invalidUtf8;
    if (other.byteLength) {
      if (!this.byteLength) this.byteLength = { ...other.byteLength };
      else {
        this.byteLength.min = Math.min(this.byteLength.min, other.byteLength.min);
        this.byteLength.max = Math.max(this.byteLength.max, other.byteLength.max);
        this.byteLength.total += other.byteLength.total;
      }
    }
    if (this.moments && other.moments) this.moments.merge(other.moments);
    if (this.topK && other.topK) this.topK.merge(other.topK);
    if (this.quantiles && other.quantiles) {
      this.quantiles.merge(
        other.quantiles,
        this.kind === 'numeric' ? (this.topK ?? undefined) : undefined,
      );
    }
    if (this.distinct && other.distinct) this.distinct.merge(other.distinct);
    return this;
  }

  clone(): ColumnProfile {
    return profileFromJSON(this.toJSON());
  }

  toJSON(): ColumnProfileJSON {
    return {
      schema: COLUMN_PROFILE_SCHEMA,
      name: this.name,
      type: this.type,
      kind: this.kind,
      count: this.count,
      nulls: this.nulls,
      nan: this.nan,
      positiveInfinity: this.positiveInfinity,
      negativeInfinity: this.negativeInfinity,
      trues: this.trues,
      emptyStrings: this.emptyStrings,
      invalidUtf8: this.invalidUtf8,
      byteLength: this.byteLength ? { ...this.byteLength } : null,
      moments: this.moments?.toJSON() ?? null,
      quantiles: this.quantiles?.toJSON() ?? null,
      distinct: this.distinct?.toJSON() ?? null,
      topK: this.topK?.toJSON() ?? null,
    };
  }
}

/** Restores a profile from `toJSON()` output (e.g. computed in another process). */
export function profileFromJSON(json: ColumnProfileJSON): ColumnProfile {
  if (!json || json.schema !== COLUMN_PROFILE_SCHEMA) {
    throw new InputError(
      `not a column profile: expected schema "${COLUMN_PROFILE_SCHEMA}", got ${JSON.stringify(json?.schema)}`,
      { code: 'MLW_PROFILE_INCOMPATIBLE' },
    );
  }
  const p = new ColumnProfile(json.name, json.type, json.kind);
  p.count = json.count;
  p.nulls = json.nulls;
  p.nan = json.nan;
  p.positiveInfinity = json.positiveInfinity;
  p.negativeInfinity = json.negativeInfinity;
  p.trues = json.trues;
  p.emptyStrings = json.emptyStrings;
  p.invalidUtf8 = json.invalidUtf8;
  p.byteLength = json.byteLength ? { ...json.byteLength } : null;
  p.moments = json.moments ? Moments.fromJSON(json.moments) : null;
  p.quantiles = json.quantiles ? KllSketch.fromJSON(json.quantiles) : null;
  p.distinct = json.distinct ? HyperLogLog.fromJSON(json.distinct) : null;
  p.topK = json.topK ? FrequentItems.fromJSON(json.topK) : null;
  return p;
}

/** A new profile combining `a` and `b` (neither is changed). Associative: see docs/data-layer.md. */
export function mergeProfiles(a: ColumnProfile, b: ColumnProfile): ColumnProfile {
  return a.clone().merge(b);
}
