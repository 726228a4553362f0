import { type Data, makeVector } from 'apache-arrow';
import { columnKind } from '../arrow/_column-kind.js';
import { numericValues } from '../arrow/_numeric-values.js';
import { dictionaryIndices, dictionaryStrings } from '../arrow/_strings.js';
import { isValid, validityOf } from '../arrow/_validity.js';

/**
 * Row hashes for duplicate and overlap detection. Two independent 32-bit hashes are kept per row
 * and folded into one 53-bit integer (a double), so two different rows collide with probability
 * about 2^-53 per pair. Values hash by content: a dictionary entry and the same string in a Utf8
 * column, or an Int32 and the same Float64, give the same hash.
 */

const NULL_A = 0x6b43a9b5;
const NULL_B = 0x1b873593;

function fmix(h: number): number {
  let x = h;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

const scratch = new Float64Array(1);
const words = new Uint32Array(scratch.buffer);

function hashNumber(v: number, out: Uint32Array): void {
  scratch[0] = v === 0 ? 0 : Number.isNaN(v) ? Number.NaN : v;
  const lo = words[0] as number;
  const hi = words[1] as number;
  out[0] = fmix(Math.imul(lo ^ 0x9e3779b9, 0x01000193) ^ hi);
  out[1] = fmix(Math.imul(hi ^ 0x7f4a7c15, 0x5bd1e995) ^ lo);
}

const encoder = new TextEncoder();

function hashBytes(bytes: Uint8Array, start: number, end: number, out: Uint32Array): void {
  let a = 0x811c9dc5;
  let b = 0x2545f491;
  for (let i = start; i < end; i++) {
    const c = bytes[i] as number;
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  out[0] = fmix(a ^ (end - start));
  out[1] = fmix(b ^ Math.imul(end - start, 0x27d4eb2d));
}

function hashString(value: string, out: Uint32Array): void {
  const bytes = encoder.encode(value);
  hashBytes(bytes, 0, bytes.length, out);
}

const pair = new Uint32Array(2);

/** Mixes one column's per-row hash pair into the running row hashes. */
function combine(rowA: Uint32Array, rowB: Uint32Array, i: number, a: number, b: number): void {
  rowA[i] = Math.imul(((rowA[i] as number) ^ a) >>> 0, 0x01000193) >>> 0;
  rowB[i] = (Math.imul(((rowB[i] as number) + b) >>> 0, 0x5bd1e995) ^ 0x9e3779b9) >>> 0;
}

/** Hashes of a dictionary's entries, cached per dictionary object. */
const dictionaryHashes = new WeakMap<object, Uint32Array>();

function entryHashes(data: Data): Uint32Array {
  const key = data.dictionary as object;
  let hashes = dictionaryHashes.get(key);
  if (hashes === undefined) {
    const strings = dictionaryStrings(data);
    hashes = new Uint32Array(strings.length * 2);
    for (let k = 0; k < strings.length; k++) {
      const s = strings[k];
      if (s === undefined) {
        hashes[2 * k] = NULL_A;
        hashes[2 * k + 1] = NULL_B;
      } else {
        hashString(s, pair);
        hashes[2 * k] = pair[0] as number;
        hashes[2 * k + 1] = pair[1] as number;
      }
    }
    dictionaryHashes.set(key, hashes);
  }
  return hashes;
}

/** Adds one column chunk to the row hashes of a batch (rowA/rowB hold one entry per row). */
export function hashColumn(data: Data, rowA: Uint32Array, rowB: Uint32Array): void {
  const n = data.length;
  const validity = validityOf(data);
  const kind = columnKind(data.type);
  if (kind === 'numeric' || kind === 'temporal') {
    const values = numericValues(data);
    for (let i = 0; i < n; i++) {
      if (!isValid(validity, i)) combine(rowA, rowB, i, NULL_A, NULL_B);
      else {
        hashNumber(values[i] as number, pair);
        combine(rowA, rowB, i, pair[0] as number, pair[1] as number);
      }
    }
    return;
  }
  if (kind === 'dictionary') {
    const hashes = entryHashes(data);
    const indices = dictionaryIndices(data);
    for (let i = 0; i < n; i++) {
      if (!isValid(validity, i)) combine(rowA, rowB, i, NULL_A, NULL_B);
      else {
        const k = indices[i] as number;
        combine(rowA, rowB, i, hashes[2 * k] as number, hashes[2 * k + 1] as number);
      }
    }
    return;
  }
  if (kind === 'string') {
    const offsets = data.valueOffsets as Int32Array | BigInt64Array;
    const bytes = data.values as Uint8Array;
    for (let i = 0; i < n; i++) {
      if (!isValid(validity, i)) combine(rowA, rowB, i, NULL_A, NULL_B);
      else {
        hashBytes(bytes, Number(offsets[i]), Number(offsets[i + 1]), pair);
        combine(rowA, rowB, i, pair[0] as number, pair[1] as number);
      }
    }
    return;
  }
  if (kind === 'boolean') {
    const bits = data.values as Uint8Array;
    for (let i = 0; i < n; i++) {
      if (!isValid(validity, i)) combine(rowA, rowB, i, NULL_A, NULL_B);
      else {
        const bit = data.offset + i;
        const on = ((bits[bit >> 3] as number) & (1 << (bit & 7))) !== 0;
        combine(rowA, rowB, i, on ? 0x3c6ef372 : 0xa54ff53a, on ? 0x510e527f : 0x9b05688c);
      }
    }
    return;
  }
  // Other types (lists, structs, decimals…) hash through their string form: rare, so the
  // per-value read is accepted here.
  const vector = makeVector(data);
  for (let i = 0; i < n; i++) {
    const value: unknown = vector.get(i);
    hashString(value === null ? '\u0000null' : String(value), pair);
    combine(rowA, rowB, i, pair[0] as number, pair[1] as number);
  }
}

/** The 53-bit row keys of a batch from its hash pairs (never 0, which marks empty set slots). */
export function rowKeys(rowA: Uint32Array, rowB: Uint32Array, n: number): Float64Array {
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = fmix(rowA[i] as number);
    const b = fmix(((rowB[i] as number) ^ a) >>> 0) & 0x1fffff;
    const key = b * 4294967296 + a;
    keys[i] = key === 0 ? 1 : key;
  }
  return keys;
}

/** Fresh per-batch row hash state. */
export function rowHashState(n: number): { a: Uint32Array; b: Uint32Array } {
  return { a: new Uint32Array(n).fill(0x12345678), b: new Uint32Array(n).fill(0x87654321) };
}

function foldPair(a: number, b: number): number {
  const x = fmix(a);
  const key = (fmix((b ^ x) >>> 0) & 0x1fffff) * 4294967296 + x;
  return key === 0 ? 1 : key;
}

/** 53-bit key of one number (−0 and 0 are the same, every NaN is the same). */
export function numberKey(v: number): number {
  hashNumber(v, pair);
  return foldPair(pair[0] as number, pair[1] as number);
}

/** 53-bit key of a UTF-8 byte range. */
export function bytesKey(bytes: Uint8Array, start: number, end: number): number {
  hashBytes(bytes, start, end, pair);
  return foldPair(pair[0] as number, pair[1] as number);
}

/** 53-bit key of a string (hashed as its UTF-8 bytes, like `bytesKey`). */
export function stringKey(value: string): number {
  hashString(value, pair);
  return foldPair(pair[0] as number, pair[1] as number);
}
