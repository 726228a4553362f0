import { Buffer } from 'node:buffer';
import { type Data, Type } from 'apache-arrow';
import { isValid, validityOf } from './_validity.js';

/** Decoded string values of a dictionary, cached per dictionary object (shared across batches). */
const dictionaryCache = new WeakMap<object, string[]>();

function decodeAll(data: Data): string[] {
  const out: string[] = new Array(data.length);
  forEachString(data, (value, row) => {
    out[row] = value;
  });
  return out;
}

/**
 * The dictionary of a dictionary-encoded chunk as strings (non-string dictionaries are converted
 * with `String`). Entries that are null in the dictionary come back as undefined.
 */
export function dictionaryStrings(data: Data): string[] {
  const dictionary = data.dictionary;
  if (dictionary === undefined) return [];
  const cached = dictionaryCache.get(dictionary);
  if (cached !== undefined) return cached;
  let out: string[] = [];
  const utf8 = dictionary.data.every(
    (chunk) => chunk.type.typeId === Type.Utf8 || chunk.type.typeId === Type.LargeUtf8,
  );
  if (utf8) {
    for (const chunk of dictionary.data) out = out.concat(decodeAll(chunk));
  } else {
    // Dictionaries are small next to the rows they encode; a per-entry read is fine here.
    for (let i = 0; i < dictionary.length; i++) {
      const value: unknown = dictionary.get(i);
      out.push(
        value === null || value === undefined ? (undefined as unknown as string) : String(value),
      );
    }
  }
  dictionaryCache.set(dictionary, out);
  return out;
}

/** Dictionary indices as numbers (64-bit index types are converted). */
export function dictionaryIndices(data: Data): ArrayLike<number> {
  const values = data.values as ArrayLike<number> | BigInt64Array | BigUint64Array;
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
    const out = new Float64Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = Number(values[i]);
    return out;
  }
  return values;
}

function isAscii(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if ((bytes[i] as number) >= 0x80) return false;
  return true;
}

function offsetsOf(data: Data): ArrayLike<number> {
  const offsets = data.valueOffsets as Int32Array | BigInt64Array;
  if (offsets instanceof BigInt64Array) {
    const out = new Float64Array(offsets.length);
    for (let i = 0; i < offsets.length; i++) out[i] = Number(offsets[i]);
    return out;
  }
  return offsets;
}

/**
 * Calls `fn(value, row)` for every non-null value of a Utf8, LargeUtf8 or dictionary chunk, rows
 * counted from 0 within the chunk. Reads the offsets and bytes directly; ASCII chunks are decoded
 * once as a whole.
 */
export function forEachString(data: Data, fn: (value: string, row: number) => void): void {
  const validity = validityOf(data);
  const n = data.length;
  const kind = data.type.typeId;
  if (kind === Type.Dictionary) {
    const strings = dictionaryStrings(data);
    const indices = dictionaryIndices(data);
    for (let row = 0; row < n; row++) {
      if (!isValid(validity, row)) continue;
      const value = strings[indices[row] as number];
      if (value !== undefined) fn(value, row);
    }
    return;
  }
  if (kind !== Type.Utf8 && kind !== Type.LargeUtf8) {
    throw new TypeError(`not a string Arrow type: ${String(data.type)}`);
  }
  const offsets = offsetsOf(data);
  const bytes = data.values as Uint8Array;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const first = offsets[0] as number;
  const last = offsets[n] as number;
  if (isAscii(bytes, first, last)) {
    const whole = buffer.toString('latin1', first, last);
    for (let row = 0; row < n; row++) {
      if (!isValid(validity, row)) continue;
      fn(whole.slice((offsets[row] as number) - first, (offsets[row + 1] as number) - first), row);
    }
    return;
  }
  for (let row = 0; row < n; row++) {
    if (!isValid(validity, row)) continue;
    fn(buffer.toString('utf8', offsets[row] as number, offsets[row + 1] as number), row);
  }
}

/** Calls `fn(value, row)` for every non-null value of a Bool chunk. */
export function forEachBoolean(data: Data, fn: (value: boolean, row: number) => void): void {
  const validity = validityOf(data);
  const bits = data.values as Uint8Array;
  const offset = data.offset;
  for (let row = 0; row < data.length; row++) {
    if (!isValid(validity, row)) continue;
    const bit = offset + row;
    fn(((bits[bit >> 3] as number) & (1 << (bit & 7))) !== 0, row);
  }
}
