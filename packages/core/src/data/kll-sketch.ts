import { InputError } from '../errors/input-error.js';
import { SeededRandom } from './_random.js';

/** Serialised form of {@link KllSketch}; `levels[h]` holds items of weight 2^h. */
export interface KllSketchJSON {
  k: number;
  n: number;
  min: number | null;
  max: number | null;
  levels: number[][];
  /** Items of the block the sampler is filling (weight 1 each until the block completes). */
  pending: number[];
  /** Size of the block being filled (a power of two). */
  blockSize: number;
  /** Item count at which the sampler's block size is next re-evaluated. */
  nextCheck: number;
  rng: number;
}

export const DEFAULT_KLL_K = 200;

/** Receives the (sampled) stream of a sketch; {@link FrequentItems} is one. */
export interface SampleSink {
  addNumbers(values: Float64Array, words: Uint32Array, length: number): void;
  add(value: number, weight: number): void;
}
const MIN_LEVEL_CAPACITY = 8;
const SHRINK = 2 / 3;
/** Level 0 (weight 1) gets a larger floor: fewer, larger sorts, and only more accuracy. */
const ENTRY_LEVEL_CAPACITY = 512;

/**
 * Documented normalized rank error for a sketch with parameter `k`: with probability at least
 * 99 %, `|estimated rank − true rank| <= epsilon · n` for a single rank or quantile query.
 * Measured for this implementation (see docs/data-layer.md); 1.8 % at k = 200.
 */
export function kllRankError(k: number): number {
  return 2.65 / k ** 0.94;
}

/**
 * Largest block the sampler may use for `n` items. Block sampling adds a rank error with standard
 * deviation at most sqrt(n · w) / 2; this keeps it at half the standard deviation of the bound.
 */
function samplerLevel(n: number, k: number): number {
  const sigma = kllRankError(k) / 2.576;
  const allowed = sigma * sigma * n;
  return allowed >= 2 ? Math.floor(Math.log2(allowed)) : 0;
}

/**
 * A KLL quantile sketch (Karnin, Lang and Liberty, 2016) over finite numbers with seeded,
 * deterministic compaction. Levels shrink geometrically (factor 2/3) from the top, with at least
 * 8 items each; a level over capacity is sorted and every other item (random offset) moves up
 * with twice the weight. For large inputs a block sampler in front keeps one random item per
 * block of 2^L values at level L, with L chosen so that its error stays a fraction of the
 * compaction error; this makes updates O(1) amortised without weakening the bound.
 *
 * Mergeable: levels of equal weight are concatenated and compacted again. The result depends on
 * merge order only within the error bound.
 */
export class KllSketch {
  k: number;
  /** Total weight held in the levels; `count` adds the items of the unfinished sampler block. */
  n = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  private levels: Float64Array[] = [new Float64Array(16)];
  private sizes: number[] = [0];
  private sorted: boolean[] = [true];
  private capacities: number[] = [];
  private scratch = new Float64Array(64);
  private retained = 0;
  private capacity = 0;
  private pending = new Float64Array(0);
  private pendingCount = 0;
  private blockSize = 1;
  private nextCheck = 0;
  private readonly rng: SeededRandom;
  private view: { values: Float64Array; cumulative: Float64Array } | undefined;

  constructor(options: { k?: number; seed?: number } = {}) {
    const k = options.k ?? DEFAULT_KLL_K;
    if (!Number.isInteger(k) || k < 8 || k > 65535) {
      throw new InputError(`KLL sketch parameter k must be an integer in [8, 65535], got ${k}`);
    }
    this.k = k;
    this.rng = new SeededRandom(options.seed ?? 0);
    this.capacity = this.totalCapacity();
  }

  /** Number of values summarised. */
  get count(): number {
    return this.n + this.pendingCount;
  }

  /** Normalized rank error bound of this sketch at 99 % confidence. */
  get rankError(): number {
    return kllRankError(this.k);
  }

  private levelCapacity(h: number): number {
    return this.capacities[h]!;
  }

  private totalCapacity(): number {
    const levels = this.levels.length;
    let total = 0;
    this.capacities.length = levels;
    for (let h = 0; h < levels; h++) {
      const floor = h === 0 ? ENTRY_LEVEL_CAPACITY : MIN_LEVEL_CAPACITY;
      const cap = Math.max(floor, Math.floor(this.k * SHRINK ** (levels - 1 - h)));
      this.capacities[h] = cap;
      total += cap;
    }
    return total;
  }

  /** Adds one finite value. */
  update(value: number): void {
    const one = new Float64Array(1);
    one[0] = value;
    this.updateMany(one, 1);
  }

  /**
   * Adds `values[0..length)`; every value must be finite (callers filter NaN and ±Infinity).
   * `sink`, when given, receives the same stream the sketch keeps: every value while the sampler
   * is off, then one value per block with the block's weight (top-k of numeric columns uses it).
   */
  updateMany(
    values: Float64Array,
    length: number,
    sink?: SampleSink,
    range?: { min: number; max: number },
  ): void {
    if (length === 0) return;
    this.view = undefined;
    let lo = this.min;
    let hi = this.max;
    if (range) {
      // The caller already scanned these values for their minimum and maximum.
      if (range.min < lo) lo = range.min;
      if (range.max > hi) hi = range.max;
    } else {
      for (let i = 0; i < length; i++) {
        const v = values[i]!;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    this.min = lo;
    this.max = hi;
    let i = 0;
    while (i < length) {
      if (this.pendingCount === 0 && this.n >= this.nextCheck) this.chooseBlockSize();
      const w = this.blockSize;
      if (w === 1) {
        // No sampling yet: items go straight to level 0, in runs that end at the next compaction
        // or at the next point where the sampler may switch on.
        const room = Math.max(1, this.capacity - this.retained + 1);
        const run = Math.min(length - i, room, Math.max(1, this.nextCheck - this.n));
        this.append(0, values, i, run);
        if (sink) {
          const words = new Uint32Array(values.buffer, values.byteOffset + i * 8, run * 2);
          sink.addNumbers(values.subarray(i, i + run), words, run);
        }
        this.n += run;
        i += run;
        while (this.retained > this.capacity) this.compress();
        continue;
      }
      const level = Math.log2(w);
      if (this.pendingCount > 0) {
        const take = Math.min(w - this.pendingCount, length - i);
        this.pending.set(values.subarray(i, i + take), this.pendingCount);
        this.pendingCount += take;
        i += take;
        if (this.pendingCount === w) {
          this.pendingCount = 0;
          const chosen = this.pending[this.rng.below(w)]!;
          this.emit(level, chosen);
          sink?.add(chosen, w);
          this.n += w;
        }
        continue;
      }
      // Whole blocks straight from the input, until the block size may change.
      while (length - i >= w && this.n < this.nextCheck) {
        const chosen = values[i + this.rng.below(w)]!;
        this.emit(level, chosen);
        sink?.add(chosen, w);
        this.n += w;
        i += w;
      }
      if (length - i < w && this.n < this.nextCheck) {
        const rest = length - i;
        if (this.pending.length < w) this.pending = new Float64Array(w);
        this.pending.set(values.subarray(i, length), 0);
        this.pendingCount = rest;
        i = length;
      }
    }
  }

  private chooseBlockSize(): void {
    const level = samplerLevel(this.n, this.k);
    this.blockSize = 2 ** level;
    // Re-evaluate once n has grown by 1/8 (or at least one block), so the level tracks n.
    this.nextCheck = this.n + Math.max(this.blockSize, Math.ceil(this.n / 8), 64);
  }

  private emit(level: number, value: number): void {
    if (level >= this.levels.length) this.ensureLevel(level);
    const size = this.sizes[level]!;
    let buf = this.levels[level]!;
    if (size === buf.length) buf = this.grow(level, size + 1);
    buf[size] = value;
    this.sizes[level] = size + 1;
    this.sorted[level] = false;
    this.retained++;
    while (this.retained > this.capacity) this.compress();
  }

  private grow(h: number, needed: number): Float64Array {
    const old = this.levels[h]!;
    const grown = new Float64Array(Math.max(needed, old.length * 2));
    grown.set(old.subarray(0, this.sizes[h]!));
    this.levels[h] = grown;
    return grown;
  }

  private ensureLevel(h: number): void {
    while (this.levels.length <= h) {
      this.levels.push(new Float64Array(16));
      this.sizes.push(0);
      this.sorted.push(true);
    }
    this.capacity = this.totalCapacity();
  }

  private append(h: number, source: Float64Array, start: number, count: number): void {
    if (h >= this.levels.length) this.ensureLevel(h);
    let buf = this.levels[h]!;
    const size = this.sizes[h]!;
    if (size + count > buf.length) buf = this.grow(h, size + count);
    if (count === 1) buf[size] = source[start]!;
    else buf.set(source.subarray(start, start + count), size);
    this.sizes[h] = size + count;
    if (count > 0) this.sorted[h] = false;
    this.retained += count;
  }

  /** Compacts the lowest level at or over its capacity. */
  private compress(): void {
    let h = 0;
    while (h < this.levels.length && this.sizes[h]! < this.levelCapacity(h)) h++;
    if (h === this.levels.length) {
      // Only reachable after capacities shrank: compact the largest level.
      let best = 0;
      for (let j = 1; j < this.levels.length; j++) if (this.sizes[j]! > this.sizes[best]!) best = j;
      h = best;
    }
    this.compactLevel(h);
  }

  private compactLevel(h: number): void {
    const size = this.sizes[h]!;
    if (size < 2) return;
    const buf = this.levels[h]!;
    if (!this.sorted[h]) {
      buf.subarray(0, size).sort();
      this.sorted[h] = true;
    }
    if (h + 1 >= this.levels.length) this.ensureLevel(h + 1);
    // An odd item out stays at this level, keeping its weight.
    const odd = size & 1;
    const from = odd + this.rng.bit();
    const half = (size - odd) >> 1;
    const upSize = this.sizes[h + 1]!;
    let up = this.levels[h + 1]!;
    if (upSize + half > up.length) up = this.grow(h + 1, upSize + half);
    if (upSize === 0 || (this.sorted[h + 1] && upSize <= 4 * half)) {
      // Both runs are sorted: merge from the back so the level above stays sorted.
      if (this.scratch.length < half)
        this.scratch = new Float64Array(Math.max(half, 2 * this.scratch.length));
      const promoted = this.scratch;
      for (let j = 0; j < half; j++) promoted[j] = buf[from + 2 * j]!;
      let a = upSize - 1;
      let b = half - 1;
      for (let out = upSize + half - 1; b >= 0; out--) {
        if (a >= 0 && up[a]! > promoted[b]!) up[out] = up[a--]!;
        else up[out] = promoted[b--]!;
      }
      this.sorted[h + 1] = true;
    } else {
      for (let j = 0; j < half; j++) up[upSize + j] = buf[from + 2 * j]!;
      this.sorted[h + 1] = false;
    }
    this.sizes[h + 1] = upSize + half;
    this.sizes[h] = odd;
    this.retained -= size - odd - half;
  }

  /**
   * Merges `other` into this sketch. The items of `other`'s unfinished sampler block are added
   * as new input, so they also reach `sink` (the merged profile's top-k).
   */
  merge(other: KllSketch, sink?: SampleSink): this {
    if (other.count === 0) return this;
    this.view = undefined;
    const k = Math.min(this.k, other.k);
    if (k !== this.k) {
      this.k = k;
      this.capacity = this.totalCapacity();
    }
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
    for (let h = 0; h < other.levels.length; h++) {
      const size = other.sizes[h]!;
      if (size > 0) this.append(h, other.levels[h]!, 0, size);
    }
    this.n += other.n;
    this.capacity = this.totalCapacity();
    while (this.retained > this.capacity) this.compress();
    this.rng.state =
      (Math.imul(this.rng.state ^ (other.rng.state >>> 7), 0x9e3779b1) ^ other.rng.state) >>> 0;
    if (other.pendingCount > 0) {
      const pend = other.pending.slice(0, other.pendingCount);
      this.updateMany(pend, pend.length, sink);
    }
    return this;
  }

  private sortedView(): { values: Float64Array; cumulative: Float64Array } {
    if (this.view) return this.view;
    const count = this.retained + this.pendingCount;
    const pairs: { v: number; w: number }[] = [];
    for (let h = 0; h < this.levels.length; h++) {
      const buf = this.levels[h]!;
      const w = 2 ** h;
      for (let j = 0; j < this.sizes[h]!; j++) pairs.push({ v: buf[j]!, w });
    }
    for (let j = 0; j < this.pendingCount; j++) pairs.push({ v: this.pending[j]!, w: 1 });
    pairs.sort((a, b) => a.v - b.v);
    const values = new Float64Array(count);
    const cumulative = new Float64Array(count);
    let acc = 0;
    for (let j = 0; j < count; j++) {
      const p = pairs[j]!;
      acc += p.w;
      values[j] = p.v;
      cumulative[j] = acc;
    }
    this.view = { values, cumulative };
    return this.view;
  }

  /** Estimated fraction of values `<= x`; `undefined` when empty. */
  rank(x: number): number | undefined {
    if (this.count === 0 || Number.isNaN(x)) return undefined;
    if (x < this.min) return 0;
    if (x >= this.max) return 1;
    const { values, cumulative } = this.sortedView();
    let lo = 0;
    let hi = values.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (values[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    const total = cumulative[values.length - 1]!;
    return lo === 0 ? 0 : cumulative[lo - 1]! / total;
  }

  /**
   * Estimated `q`-quantile (`0 <= q <= 1`): the smallest retained value whose estimated rank is at
   * least `q`. `quantile(0)` and `quantile(1)` are the exact minimum and maximum.
   */
  quantile(q: number): number | undefined {
    if (this.count === 0) return undefined;
    if (!(q >= 0 && q <= 1)) throw new InputError(`quantile must be in [0, 1], got ${q}`);
    if (q === 0) return this.min;
    if (q === 1) return this.max;
    const { values, cumulative } = this.sortedView();
    const total = cumulative[values.length - 1]!;
    const target = q * total;
    let lo = 0;
    let hi = values.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! >= target) hi = mid;
      else lo = mid + 1;
    }
    return Math.min(this.max, Math.max(this.min, values[lo]!));
  }

  /** Number of items the sketch holds (its memory is about 8 bytes per item). */
  get retainedItems(): number {
    return this.retained + this.pendingCount;
  }

  clone(): KllSketch {
    return KllSketch.fromJSON(this.toJSON());
  }

  toJSON(): KllSketchJSON {
    const levels: number[][] = [];
    for (let h = 0; h < this.levels.length; h++) {
      levels.push(Array.from(this.levels[h]!.subarray(0, this.sizes[h]!)));
    }
    return {
      k: this.k,
      n: this.n,
      min: this.count > 0 ? this.min : null,
      max: this.count > 0 ? this.max : null,
      levels,
      pending: Array.from(this.pending.subarray(0, this.pendingCount)),
      blockSize: this.blockSize,
      nextCheck: this.nextCheck,
      rng: this.rng.state,
    };
  }

  static fromJSON(json: KllSketchJSON): KllSketch {
    const s = new KllSketch({ k: json.k, seed: json.rng });
    s.n = json.n;
    s.min = json.min ?? Number.POSITIVE_INFINITY;
    s.max = json.max ?? Number.NEGATIVE_INFINITY;
    s.levels = [];
    s.sizes = [];
    s.sorted = [];
    s.retained = 0;
    for (const level of json.levels) {
      s.levels.push(Float64Array.from(level.length > 0 ? level : [0]));
      s.sizes.push(level.length);
      s.sorted.push(false);
      s.retained += level.length;
    }
    if (s.levels.length === 0) {
      s.levels.push(new Float64Array(16));
      s.sizes.push(0);
      s.sorted.push(true);
    }
    s.capacity = s.totalCapacity();
    s.blockSize = json.blockSize;
    s.pending = new Float64Array(Math.max(json.blockSize, json.pending.length));
    s.pending.set(json.pending);
    s.pendingCount = json.pending.length;
    s.nextCheck = json.nextCheck;
    return s;
  }
}
