import { InputError } from '../errors/input-error.js';
import type { DataLike, DataTypeLike, NumericArray } from './_arrow-shape.js';
import { TypeId } from './_arrow-shape.js';
import { hashBytes } from './_hash.js';
import type { ColumnKind, ColumnProfile } from './column-profile.js';
import { addFloat64Hash } from './hyper-log-log.js';

/**
 * Column kernels: one pass over an Arrow `Data`'s typed buffers and validity bitmap per sketch,
 * never `vector.get(i)` per value. Numbers are widened to float64 in a reused scratch buffer;
 * NaN and ±Infinity are counted and kept out of moments, min/max, quantiles and top-k.
 */

const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT[i] = (i & 1) + POPCOUNT[i >> 1]!;

/** Whether bit `b` of a bitmap is set (Arrow bitmaps are least-significant bit first). */
function isSet(bitmap: Uint8Array, b: number): boolean {
  return ((bitmap[b >> 3]! >> (b & 7)) & 1) === 1;
}

/** Kind of summary for an Arrow type. */
export function kindOf(type: DataTypeLike): ColumnKind {
  switch (type.typeId) {
    case TypeId.Int:
    case TypeId.Float:
    case TypeId.Date:
    case TypeId.Time:
    case TypeId.Timestamp:
    case TypeId.Duration:
      return 'numeric';
    case TypeId.Utf8:
    case TypeId.LargeUtf8:
      return 'string';
    case TypeId.Bool:
      return 'boolean';
    case TypeId.Dictionary:
      return 'categorical';
    default:
      return 'other';
  }
}

/** Number of set bits of `bitmap` in `[from, from + length)`. */
export function countSetBits(bitmap: Uint8Array, from: number, length: number): number {
  let count = 0;
  let i = from;
  const end = from + length;
  while (i < end && (i & 7) !== 0) {
    count += (bitmap[i >> 3]! >> (i & 7)) & 1;
    i++;
  }
  while (i + 8 <= end) {
    count += POPCOUNT[bitmap[i >> 3]!]!;
    i += 8;
  }
  while (i < end) {
    count += (bitmap[i >> 3]! >> (i & 7)) & 1;
    i++;
  }
  return count;
}

function corrupt(column: string, what: string): InputError {
  return new InputError(`column "${column}": ${what}; the data is corrupt or truncated`, {
    hint: 'regenerate the file from its source, or check how it was copied',
  });
}

/** Validity bitmap of `data`, or undefined when every row is valid. Checks its size. */
function validityOf(column: string, data: DataLike): Uint8Array | undefined {
  const bitmap = data.nullBitmap;
  if (!bitmap || bitmap.length === 0) return undefined;
  if (bitmap.length * 8 < data.offset + data.length) {
    throw corrupt(
      column,
      `validity bitmap holds ${bitmap.length * 8} bits for ${data.length} rows`,
    );
  }
  return bitmap;
}

/** Reused scratch buffers (one set per thread). */
class Scratch {
  f64 = new Float64Array(1024);
  ensure(n: number): Float64Array {
    if (this.f64.length < n) this.f64 = new Float64Array(Math.max(n, this.f64.length * 2));
    return this.f64;
  }
}
const scratch = new Scratch();

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/**
 * The values of a fixed-width numeric `Data` as float64 (`out[i]` for row i). Float64 buffers are
 * used in place; others are converted into the scratch buffer. 64-bit integers are read as two
 * 32-bit words (no BigInt per value); beyond 2^53 they round to the nearest float64.
 */
function asFloat64(column: string, data: DataLike): Float64Array {
  const n = data.length;
  const values = data.values as NumericArray | undefined;
  if (!values) throw corrupt(column, 'no value buffer');
  const floatPrecision = data.type.typeId === TypeId.Float ? data.type.precision : undefined;
  if (values instanceof Float64Array) {
    if (values.length < n)
      throw corrupt(column, `value buffer holds ${values.length} of ${n} values`);
    return values.length === n ? values : values.subarray(0, n);
  }
  const out = scratch.ensure(n);
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
    if (values.length < n)
      throw corrupt(column, `value buffer holds ${values.length} of ${n} values`);
    const words = new Int32Array(values.buffer, values.byteOffset, n * 2);
    const signed = values instanceof BigInt64Array;
    for (let i = 0; i < n; i++) {
      const lo = words[2 * i]! >>> 0;
      const hi = signed ? words[2 * i + 1]! : words[2 * i + 1]! >>> 0;
      out[i] = hi * 4294967296 + lo;
    }
    return out;
  }
  // Arrow JS may store 64-bit values as Int32Array pairs in older versions.
  const stride = values.length >= 2 * n && data.type.bitWidth === 64 ? 2 : 1;
  if (values.length < n * stride) {
    throw corrupt(column, `value buffer holds ${values.length} of ${n * stride} words`);
  }
  if (stride === 2) {
    const signed = data.type.isSigned !== false;
    for (let i = 0; i < n; i++) {
      const lo = values[2 * i] as number;
      const hi = values[2 * i + 1] as number;
      out[i] = (signed ? hi | 0 : hi >>> 0) * 4294967296 + (lo >>> 0);
    }
    return out;
  }
  if (floatPrecision === 0 && values instanceof Uint16Array) {
    for (let i = 0; i < n; i++) out[i] = halfToFloat(values[i]!);
    return out;
  }
  const typed = values as Exclude<NumericArray, BigInt64Array | BigUint64Array>;
  for (let i = 0; i < n; i++) out[i] = typed[i]!;
  return out;
}

const cleanScratch = new Scratch();

/** Sum, range and distinct-sketch update of finite values in one pass. */
function fusedPass(
  profile: ColumnProfile,
  values: Float64Array,
  length: number,
): { sum: number; min: number; max: number; nonFinite: number } {
  const words = new Uint32Array(values.buffer, values.byteOffset, length * 2);
  const hll = profile.distinct!;
  const regs = hll.registers;
  const p = hll.p;
  let sum = 0;
  let block = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let nonFinite = 0;
  for (let i = 0; i < length; i++) {
    const v = values[i]!;
    if (v - v !== 0) {
      nonFinite++;
      continue;
    }
    block += v;
    if ((i & 255) === 255) {
      sum += block;
      block = 0;
    }
    if (v < min) min = v;
    if (v > max) max = v;
    addFloat64Hash(regs, p, words[2 * i]!, words[2 * i + 1]!);
  }
  return { sum: sum + block, min, max, nonFinite };
}

/**
 * Profiles a numeric column chunk: one pass for the sum, range, non-finite check and distinct
 * sketch, one for the central moments, and the quantile sketch's sampler (O(1) per block).
 */
function numericKernel(profile: ColumnProfile, data: DataLike): void {
  const n = data.length;
  const validity = validityOf(profile.name, data);
  const values = asFloat64(profile.name, data);
  profile.count += n;
  let finite = values;
  let m = n;
  let stats: ReturnType<typeof fusedPass> | undefined;
  if (!validity) {
    stats = fusedPass(profile, values, n);
    if (stats.nonFinite > 0) stats = undefined;
  }
  if (!stats) {
    // Nulls or NaN/±Infinity: count them and compact the finite values first.
    const clean = values === scratch.f64 ? values : cleanScratch.ensure(n);
    const bit0 = data.offset;
    let nulls = 0;
    let nan = 0;
    let posInf = 0;
    let negInf = 0;
    m = 0;
    for (let i = 0; i < n; i++) {
      if (validity && !isSet(validity, bit0 + i)) {
        nulls++;
        continue;
      }
      const v = values[i]!;
      if (v - v === 0) clean[m++] = v;
      else if (Number.isNaN(v)) nan++;
      else if (v > 0) posInf++;
      else negInf++;
    }
    profile.nulls += nulls;
    profile.nan += nan;
    profile.positiveInfinity += posInf;
    profile.negativeInfinity += negInf;
    if (m === 0) return;
    finite = clean.subarray(0, m);
    stats = fusedPass(profile, finite, m);
  }
  profile.moments!.addCentered(finite, m, stats.sum / m);
  profile.quantiles!.updateMany(finite, m, profile.topK ?? undefined, stats);
}

function booleanKernel(profile: ColumnProfile, data: DataLike): void {
  const n = data.length;
  const validity = validityOf(profile.name, data);
  const bits = data.values as Uint8Array | undefined;
  const bit0 = data.offset;
  if (!bits || bits.length * 8 < bit0 + n) throw corrupt(profile.name, 'boolean buffer too short');
  let trues = 0;
  let nulls = 0;
  if (!validity) trues = countSetBits(bits, bit0, n);
  else {
    for (let i = 0; i < n; i++) {
      const b = bit0 + i;
      if (!isSet(validity, b)) nulls++;
      else trues += (bits[b >> 3]! >> (b & 7)) & 1;
    }
  }
  const falses = n - nulls - trues;
  profile.count += n;
  profile.nulls += nulls;
  profile.trues += trues;
  if (trues > 0) {
    profile.topK!.add(true, trues);
    profile.distinct!.addString('true');
  }
  if (falses > 0) {
    profile.topK!.add(false, falses);
    profile.distinct!.addString('false');
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Offsets of a utf8 `Data` as numbers (64-bit offsets of large utf8 read as two words). */
function offsetsOf(column: string, data: DataLike): Int32Array | Float64Array {
  const offsets = data.valueOffsets;
  const n = data.length;
  if (!offsets || offsets.length < n + 1) throw corrupt(column, 'offset buffer too short');
  if (offsets instanceof Int32Array) return offsets;
  const words = new Int32Array(offsets.buffer, offsets.byteOffset, (n + 1) * 2);
  const out = new Float64Array(n + 1);
  for (let i = 0; i <= n; i++) out[i] = words[2 * i + 1]! * 4294967296 + (words[2 * i]! >>> 0);
  return out;
}

interface Distinct {
  start: number;
  end: number;
  count: number;
}

function sameBytes(bytes: Uint8Array, a: number, b: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (bytes[a + i] !== bytes[b + i]) return false;
  return true;
}

/**
 * Profiles a utf8 column chunk: byte lengths, empties, distinct sketch over the raw bytes, and
 * top-k over values decoded once per distinct value per chunk (strict UTF-8: invalid byte
 * sequences are counted in `invalidUtf8`, never replaced).
 */
function stringKernel(profile: ColumnProfile, data: DataLike): void {
  const n = data.length;
  const validity = validityOf(profile.name, data);
  const offsets = offsetsOf(profile.name, data);
  const bytes = (data.values as Uint8Array | undefined) ?? new Uint8Array(0);
  const bit0 = data.offset;
  let nulls = 0;
  let empty = 0;
  let minLen = Number.POSITIVE_INFINITY;
  let maxLen = 0;
  let total = 0;
  const seen = new Map<number, Distinct[]>();
  const hll = profile.distinct!;
  for (let i = 0; i < n; i++) {
    if (validity && !isSet(validity, bit0 + i)) {
      nulls++;
      continue;
    }
    const start = offsets[i]!;
    const end = offsets[i + 1]!;
    if (start > end || end > bytes.length || start < 0) {
      throw corrupt(profile.name, `value ${i} spans bytes ${start}..${end} of ${bytes.length}`);
    }
    const len = end - start;
    if (len === 0) empty++;
    if (len < minLen) minLen = len;
    if (len > maxLen) maxLen = len;
    total += len;
    const h = hashBytes(bytes, start, end, 0x5bd1e995);
    let bucket = seen.get(h);
    if (!bucket) {
      bucket = [];
      seen.set(h, bucket);
    }
    let found: Distinct | undefined;
    for (const d of bucket) {
      if (d.end - d.start === len && sameBytes(bytes, d.start, start, len)) {
        found = d;
        break;
      }
    }
    if (found) found.count++;
    else bucket.push({ start, end, count: 1 });
  }
  profile.count += n;
  profile.nulls += nulls;
  profile.emptyStrings += empty;
  if (n - nulls > 0) {
    const lengths = profile.byteLength;
    if (!lengths) profile.byteLength = { min: minLen, max: maxLen, total };
    else {
      lengths.min = Math.min(lengths.min, minLen);
      lengths.max = Math.max(lengths.max, maxLen);
      lengths.total += total;
    }
  }
  for (const bucket of seen.values()) {
    for (const d of bucket) {
      hll.addBytes(bytes, d.start, d.end);
      let text: string;
      try {
        text = utf8.decode(bytes.subarray(d.start, d.end));
      } catch {
        profile.invalidUtf8 += d.count;
        continue;
      }
      profile.topK!.add(text, d.count);
    }
  }
}

/** Decoded dictionary values, cached per dictionary `Data` (dictionaries repeat across batches). */
const dictionaryCache = new WeakMap<
  object,
  { values: (string | number | boolean | null)[]; invalid: boolean[] }
>();

function dictionaryValues(
  column: string,
  dictionary: DataLike['dictionary'],
): { values: (string | number | boolean | null)[]; invalid: boolean[] } {
  if (!dictionary) throw corrupt(column, 'dictionary column without a dictionary');
  const cached = dictionaryCache.get(dictionary);
  if (cached) return cached;
  const values: (string | number | boolean | null)[] = [];
  const invalid: boolean[] = [];
  for (const chunk of dictionary.data) {
    const typeId = chunk.type.typeId;
    if (typeId === TypeId.Utf8 || typeId === TypeId.LargeUtf8) {
      const offsets = offsetsOf(column, chunk);
      const bytes = (chunk.values as Uint8Array | undefined) ?? new Uint8Array(0);
      const validity = validityOf(column, chunk);
      for (let i = 0; i < chunk.length; i++) {
        const b = chunk.offset + i;
        if (validity && !isSet(validity, b)) {
          values.push(null);
          invalid.push(false);
          continue;
        }
        try {
          values.push(utf8.decode(bytes.subarray(offsets[i]!, offsets[i + 1]!)));
          invalid.push(false);
        } catch {
          values.push(null);
          invalid.push(true);
        }
      }
    } else if (kindOf(chunk.type) === 'numeric') {
      const validity = validityOf(column, chunk);
      const nums = asFloat64(column, chunk);
      for (let i = 0; i < chunk.length; i++) {
        const b = chunk.offset + i;
        values.push(validity && !isSet(validity, b) ? null : nums[i]!);
        invalid.push(false);
      }
    } else {
      // Rare value types: read each dictionary entry once (not per row).
      const start = values.length;
      for (let i = 0; i < chunk.length; i++) {
        const v = dictionary.get(start + i);
        values.push(v === null || v === undefined ? null : typeof v === 'boolean' ? v : String(v));
        invalid.push(false);
      }
    }
  }
  const result = { values, invalid };
  dictionaryCache.set(dictionary, result);
  return result;
}

type Indices =
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | Float64Array;

/** Counts rows per dictionary index; returns the first row whose index is out of range, or -1. */
function countIndices(indices: Indices, n: number, counts: Float64Array): number {
  const size = counts.length;
  for (let i = 0; i < n; i++) {
    const k = indices[i]!;
    if (k >= 0 && k < size) counts[k]!++;
    else return i;
  }
  return -1;
}

function countIndicesMasked(
  indices: Indices,
  n: number,
  validity: Uint8Array,
  bit0: number,
  counts: Float64Array,
): number {
  const size = counts.length;
  for (let i = 0; i < n; i++) {
    if (!isSet(validity, bit0 + i)) continue;
    const k = indices[i]!;
    if (k >= 0 && k < size) counts[k]!++;
    else return i;
  }
  return -1;
}

/** Profiles a dictionary column chunk: counts per dictionary index, then one update per value. */
function dictionaryKernel(profile: ColumnProfile, data: DataLike): void {
  const n = data.length;
  const validity = validityOf(profile.name, data);
  const dict = dictionaryValues(profile.name, data.dictionary);
  const size = dict.values.length;
  const counts = new Float64Array(size);
  const raw = data.values;
  if (!raw || raw.length < n) throw corrupt(profile.name, 'dictionary index buffer too short');
  let indices: Indices;
  if (raw instanceof BigInt64Array || raw instanceof BigUint64Array) {
    const words = new Int32Array(raw.buffer, raw.byteOffset, n * 2);
    const lows = new Float64Array(n);
    for (let i = 0; i < n; i++) lows[i] = words[2 * i + 1] === 0 ? words[2 * i]! >>> 0 : -1;
    indices = lows;
  } else indices = raw as Exclude<Indices, Float64Array>;
  const bad = validity
    ? countIndicesMasked(indices, n, validity, data.offset, counts)
    : countIndices(indices, n, counts);
  let nulls = validity ? n - countSetBits(validity, data.offset, n) : 0;
  if (bad >= 0)
    throw corrupt(profile.name, `row ${bad} refers to a value outside the dictionary of ${size}`);
  profile.count += n;
  for (let k = 0; k < size; k++) {
    const c = counts[k]!;
    if (c === 0) continue;
    const value = dict.values[k];
    if (dict.invalid[k]) {
      profile.invalidUtf8 += c;
      continue;
    }
    if (value === null || value === undefined) {
      nulls += c; // a null dictionary entry is a null value
      continue;
    }
    profile.topK!.add(value, c);
    if (typeof value === 'number') profile.distinct!.addNumber(value);
    else profile.distinct!.addString(String(value));
  }
  profile.nulls += nulls;
}

function otherKernel(profile: ColumnProfile, data: DataLike): void {
  const n = data.length;
  profile.count += n;
  if (data.type.typeId === TypeId.Null) {
    profile.nulls += n;
    return;
  }
  const validity = validityOf(profile.name, data);
  if (validity) profile.nulls += n - countSetBits(validity, data.offset, n);
}

/** Adds one column chunk to its profile. */
export function profileData(profile: ColumnProfile, data: DataLike): void {
  if (data.length === 0) return;
  switch (profile.kind) {
    case 'numeric':
      numericKernel(profile, data);
      break;
    case 'boolean':
      booleanKernel(profile, data);
      break;
    case 'string':
      stringKernel(profile, data);
      break;
    case 'categorical':
      dictionaryKernel(profile, data);
      break;
    default:
      otherKernel(profile, data);
  }
}
