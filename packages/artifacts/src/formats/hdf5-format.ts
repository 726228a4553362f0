import type { Source } from '../scan/source.js';
import { checkKerasConfig, isKerasConfig } from './_keras-config.js';
import { utf8 } from './_read-bounded.js';
import type { FormatHandler } from './format-handler.js';

const SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
const NEEDLE = Buffer.from('"class_name"');
/** Bytes searched backwards from `"class_name"` for the `{` that opens its object. */
const LOOK_BACK = 512;
/** Longest JSON attribute followed. */
const MAX_JSON_BYTES = 64 * 1024 * 1024;
const WINDOW = 1024 * 1024;

/** Where the superblock is: offset 0, or after a user block of 512 · 2^n bytes. */
function signatureOffset(head: Uint8Array): number {
  for (let at = 0; at + 8 <= head.length; at = at === 0 ? 512 : at * 2) {
    if (head[at] === 0x89 && SIGNATURE.equals(head.subarray(at, at + 8))) return at;
  }
  return -1;
}

/** End (exclusive) of the JSON object starting at `start`, or -1 when it does not close in bounds. */
async function jsonObjectEnd(read: NonNullable<Source['read']>, size: number, start: number) {
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let at = start; at < size && at - start < MAX_JSON_BYTES; at += WINDOW) {
    const chunk = await read(at, Math.min(size, at + WINDOW));
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] as number;
      if (inString) {
        if (escaped) escaped = false;
        else if (b === 0x5c) escaped = true;
        else if (b === 0x22) inString = false;
        else if (b < 0x20) return -1;
      } else if (b === 0x22) inString = true;
      else if (b === 0x7b || b === 0x5b) depth++;
      else if (b === 0x7d || b === 0x5d) {
        depth--;
        if (depth === 0) return at + i + 1;
      } else if (b === 0) return -1;
    }
  }
  return -1;
}

/**
 * HDF5 files (legacy Keras/TF `.h5` models). Without a full HDF5 library, the scanner looks for
 * the Keras `model_config` attribute by its content: attribute values are never filtered or
 * compressed in HDF5, so the JSON string is stored contiguously (in the object header, the
 * global heap for variable-length strings, or a dense-attribute heap). Every `"class_name"` in
 * the file is taken back to its opening `{`, the balanced JSON object is read (bounded) and, if
 * it is a Keras config, checked like a `.keras` config. Limits: an attribute split across
 * several heap objects, or a config in a non-UTF-8 encoding, is not found.
 */
export const hdf5Format: FormatHandler = {
  format: 'hdf5',
  sniff(source) {
    const at = signatureOffset(source.head);
    if (at < 0) return false;
    return at === 0 ? 'start' : 'elsewhere';
  },
  async scan(source, unit, ctx) {
    const src = await ctx.buffer(source, unit, 'HDF5 file');
    if (src?.read === undefined || src.size === undefined) return;
    const read = src.read;
    const size = src.size;
    let skipUntil = 0;
    let tail = Buffer.alloc(0);
    let tailStart = 0;
    for (let at = 0; at < size; at += WINDOW) {
      if (ctx.expired()) {
        unit.incomplete('time limit reached (maxTimeMs) or scan cancelled');
        return;
      }
      const chunk = Buffer.from(await read(at, Math.min(size, at + WINDOW)));
      const hay = Buffer.concat([tail, chunk]);
      const hayStart = tail.length > 0 ? tailStart : at;
      let from = 0;
      for (;;) {
        const hit = hay.indexOf(NEEDLE, from);
        if (hit < 0) break;
        from = hit + NEEDLE.length;
        const abs = hayStart + hit;
        if (abs < skipUntil) continue;
        const backFrom = Math.max(0, abs - LOOK_BACK);
        const back = await read(backFrom, abs);
        const open = Buffer.from(back).lastIndexOf(0x7b);
        if (open < 0) continue;
        const start = backFrom + open;
        const end = await jsonObjectEnd(read, size, start);
        if (end < 0) continue;
        const text = utf8(await read(start, end));
        let value: unknown;
        try {
          value = text === undefined ? undefined : JSON.parse(text);
        } catch {
          continue;
        }
        if (!isKerasConfig(value)) continue;
        unit.addFormat('keras-h5');
        checkKerasConfig(value, unit, ctx);
        skipUntil = end;
      }
      tail = chunk.subarray(Math.max(0, chunk.length - NEEDLE.length + 1));
      tailStart = at + chunk.length - tail.length;
    }
  },
};
