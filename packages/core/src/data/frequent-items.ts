import { InputError } from '../errors/input-error.js';

export type ItemKey = number | string | boolean;

/** Serialised form of {@link FrequentItems}. */
export interface FrequentItemsJSON {
  capacity: number;
  n: number;
  offset: number;
  /** `[value, counted]` pairs, largest count first. */
  items: [ItemKey, number][];
}

/** One heavy hitter: the true count lies in `[count, count + error]`. */
export interface FrequentItem {
  value: ItemKey;
  count: number;
  error: number;
}

export const DEFAULT_TOP_K_CAPACITY = 128;

/**
 * Misra–Gries frequent items with a median purge (the "reverse purge" of Agarwal et al.'s
 * mergeable summaries): at most `capacity` counters; when one more is needed, the median count is
 * subtracted from every counter and added to `offset`. Every true count lies in
 * `[counted, counted + offset]` (0 for values not kept), and `offset <= 2n / capacity`: any value
 * more frequent than that is guaranteed to be kept. Merge adds counters and offsets, then purges;
 * the bound holds for any merge tree.
 */
export class FrequentItems {
  capacity: number;
  n = 0;
  offset = 0;
  private keys: Float64Array;
  private counts: Float64Array;
  private used: Uint8Array;
  private numbers = 0;
  private mask: number;
  private readonly others = new Map<string | boolean, number>();
  private readonly word = new Float64Array(1);
  private readonly words = new Uint32Array(this.word.buffer);

  constructor(capacity = DEFAULT_TOP_K_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 2 || capacity > 1 << 20) {
      throw new InputError(`top-k capacity must be an integer in [2, 1048576], got ${capacity}`);
    }
    this.capacity = capacity;
    let slots = 8;
    while (slots < capacity * 2 + 2) slots *= 2;
    this.keys = new Float64Array(slots);
    this.counts = new Float64Array(slots);
    this.used = new Uint8Array(slots);
    this.mask = slots - 1;
  }

  /** Number of counters in use. */
  get size(): number {
    return this.numbers + this.others.size;
  }

  /** Guaranteed bound on the undercount of every item (and on the count of unlisted ones). */
  get maxError(): number {
    return this.offset;
  }

  private slotOf(value: number): number {
    this.word[0] = value;
    // Same slot as the inlined hash in addNumbers (murmur3's finaliser over both words).
    let h = this.words[0]! ^ Math.imul(this.words[1]!, 0x9e3779b1);
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return (h ^ (h >>> 16)) & this.mask;
  }

  /**
   * Adds `values[0..length)`, each with weight 1 (finite numbers; -0 counts as 0). `words` is a
   * Uint32Array view of the same memory as `values`.
   */
  addNumbers(values: Float64Array, words: Uint32Array, length: number): void {
    const keys = this.keys;
    const counts = this.counts;
    const used = this.used;
    const mask = this.mask;
    for (let i = 0; i < length; i++) {
      let v = values[i]!;
      let hi = words[2 * i + 1]!;
      if (v === 0) {
        v = 0;
        hi = 0;
      }
      let h = words[2 * i]! ^ Math.imul(hi, 0x9e3779b1);
      h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
      h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
      let slot = (h ^ (h >>> 16)) & mask;
      while (used[slot] === 1) {
        if (keys[slot] === v) break;
        slot = (slot + 1) & mask;
      }
      if (used[slot] === 1) counts[slot]!++;
      else {
        used[slot] = 1;
        keys[slot] = v;
        counts[slot] = 1;
        if (++this.numbers + this.others.size > this.capacity) this.purge();
      }
    }
    this.n += length;
  }

  /** Adds one value with a weight (a count of occurrences). */
  add(value: ItemKey, weight = 1): void {
    if (weight <= 0) return;
    this.n += weight;
    this.insert(value, weight);
    if (this.size > this.capacity) this.purge();
  }

  private insert(value: ItemKey, weight: number): void {
    if (typeof value === 'number') {
      const v = value === 0 ? 0 : value;
      let slot = this.slotOf(v);
      while (this.used[slot] === 1 && this.keys[slot] !== v) slot = (slot + 1) & this.mask;
      if (this.used[slot] === 1) this.counts[slot]! += weight;
      else {
        this.used[slot] = 1;
        this.keys[slot] = v;
        this.counts[slot] = weight;
        this.numbers++;
      }
    } else {
      this.others.set(value, (this.others.get(value) ?? 0) + weight);
    }
  }

  /** Subtracts the median count from all counters and drops those that reach 0. */
  private purge(): void {
    const used = this.used;
    const counts = this.counts;
    let lo = Number.POSITIVE_INFINITY;
    let hi = 0;
    for (let s = 0; s < used.length; s++) {
      if (used[s] === 1) {
        const c = counts[s]!;
        if (c < lo) lo = c;
        if (c > hi) hi = c;
      }
    }
    for (const c of this.others.values()) {
      if (c < lo) lo = c;
      if (c > hi) hi = c;
    }
    let median = lo;
    if (lo !== hi) {
      const all: number[] = [];
      for (let s = 0; s < used.length; s++) if (used[s] === 1) all.push(counts[s]!);
      for (const c of this.others.values()) all.push(c);
      median = selectKth(all, all.length >> 1);
    }
    this.offset += median;
    const survivors: [number, number][] = [];
    if (hi > median) {
      for (let s = 0; s < used.length; s++) {
        if (used[s] === 1 && counts[s]! > median)
          survivors.push([this.keys[s]!, counts[s]! - median]);
      }
    }
    used.fill(0);
    this.numbers = 0;
    for (const [key, count] of survivors) this.insert(key, count);
    for (const [key, count] of this.others) {
      if (count > median) this.others.set(key, count - median);
      else this.others.delete(key);
    }
  }

  /** Kept items, most frequent first (ties by value), at most `k` of them. */
  top(k = this.capacity): FrequentItem[] {
    const items: FrequentItem[] = [];
    for (let s = 0; s < this.used.length; s++) {
      if (this.used[s] === 1)
        items.push({ value: this.keys[s]!, count: this.counts[s]!, error: this.offset });
    }
    for (const [value, count] of this.others) items.push({ value, count, error: this.offset });
    items.sort((a, b) => b.count - a.count || compareKeys(a.value, b.value));
    return items.slice(0, k);
  }

  /** Lower bound of the count of `value` (0 when not kept). */
  count(value: ItemKey): number {
    if (typeof value === 'number') {
      const v = value === 0 ? 0 : value;
      let slot = this.slotOf(v);
      while (this.used[slot] === 1) {
        if (this.keys[slot] === v) return this.counts[slot]!;
        slot = (slot + 1) & this.mask;
      }
      return 0;
    }
    return this.others.get(value) ?? 0;
  }

  merge(other: FrequentItems): this {
    if (other.capacity < this.capacity) this.capacity = other.capacity;
    this.n += other.n;
    this.offset += other.offset;
    for (const item of other.top()) {
      this.insert(item.value, item.count);
      if (this.size > this.capacity) this.purge();
    }
    return this;
  }

  clone(): FrequentItems {
    return FrequentItems.fromJSON(this.toJSON());
  }

  toJSON(): FrequentItemsJSON {
    return {
      capacity: this.capacity,
      n: this.n,
      offset: this.offset,
      items: this.top().map((i) => [i.value, i.count]),
    };
  }

  static fromJSON(json: FrequentItemsJSON): FrequentItems {
    const f = new FrequentItems(json.capacity);
    f.n = json.n;
    f.offset = json.offset;
    for (const [value, count] of json.items) f.insert(value, count);
    return f;
  }
}

function compareKeys(a: ItemKey, b: ItemKey): number {
  const ta = typeof a;
  const tb = typeof b;
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The k-th smallest (0-based) of `values` (reordered in place); Hoare selection, 3-way split. */
function selectKth(values: number[], k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >>> 1]!;
    let lt = lo;
    let gt = hi;
    let i = lo;
    while (i <= gt) {
      const v = values[i]!;
      if (v < pivot) {
        values[i] = values[lt]!;
        values[lt++] = v;
        i++;
      } else if (v > pivot) {
        values[i] = values[gt]!;
        values[gt--] = v;
      } else i++;
    }
    if (k < lt) hi = lt - 1;
    else if (k > gt) lo = gt + 1;
    else return pivot;
  }
  return values[k]!;
}
