/** Decoders for the text forms pickle uses, with CPython's semantics. */
import { isUtf8 } from 'node:buffer';

const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const utf8Lenient = new TextDecoder('utf-8');

/** Thrown when bytes are not valid in the expected text form. */
export class TextDecodeError extends Error {
  constructor(message: string) {
    // Thrown for every binary payload a trial parse takes for text: skip the stack capture.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
  }
}

/** Latin-1: every byte is one code point. */
export function latin1(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return out;
}

/** Latin-1 encoding of a string, or undefined when a code point is above 255. */
export function encodeLatin1(text: string): Uint8Array | undefined {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 255) return undefined;
    out[i] = c;
  }
  return out;
}

export function isAscii(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b > 127) return false;
  return true;
}

/** UTF-8 as CPython's `str(data, 'utf-8', 'surrogatepass')`: encoded surrogates are allowed. */
export function utf8SurrogatePass(bytes: Uint8Array): string {
  // Validated first: a decoder throwing on binary payloads (trial parses) costs a stack trace.
  if (isUtf8(bytes)) return utf8Strict.decode(bytes);
  // Slow path: accept ED A0..BF xx (surrogates), reject everything else that is invalid.
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      out += String.fromCharCode(b);
      i += 1;
      continue;
    }
    let need: number;
    let cp: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      cp = b & 0x1f;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      cp = b & 0x0f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      cp = b & 0x07;
    } else {
      throw new TextDecodeError(`invalid UTF-8 start byte 0x${b.toString(16)} at ${i}`);
    }
    if (i + need >= bytes.length) {
      throw new TextDecodeError(`truncated UTF-8 sequence at ${i}`);
    }
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) {
        throw new TextDecodeError(`invalid UTF-8 continuation at ${i + k}`);
      }
      cp = (cp << 6) | (c & 0x3f);
    }
    const min = need === 1 ? 0x80 : need === 2 ? 0x800 : 0x10000;
    if (cp < min || cp > 0x10ffff)
      throw new TextDecodeError(`overlong or out-of-range UTF-8 at ${i}`);
    out += String.fromCodePoint(cp);
    i += need + 1;
  }
  return out;
}

/** Lenient UTF-8 (invalid sequences become U+FFFD); `valid` tells whether it was strict UTF-8. */
export function utf8(bytes: Uint8Array): { text: string; valid: boolean } {
  return isUtf8(bytes)
    ? { text: utf8Strict.decode(bytes), valid: true }
    : { text: utf8Lenient.decode(bytes), valid: false };
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/** `codecs.escape_decode`: Python bytes-literal escapes. Throws on `\x` with bad digits or a trailing `\`. */
export function escapeDecode(bytes: Uint8Array): Uint8Array {
  if (bytes.indexOf(0x5c) < 0) return bytes;
  const out: number[] = [];
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    if (b !== 0x5c) {
      out.push(b);
      i++;
      continue;
    }
    i++;
    if (i >= bytes.length) throw new TextDecodeError('Trailing \\ in string');
    const c = bytes[i] as number;
    i++;
    switch (c) {
      case 0x0a: // backslash-newline: line continuation
        break;
      case 0x5c:
        out.push(0x5c);
        break;
      case 0x27:
        out.push(0x27);
        break;
      case 0x22:
        out.push(0x22);
        break;
      case 0x62:
        out.push(0x08);
        break;
      case 0x66:
        out.push(0x0c);
        break;
      case 0x74:
        out.push(0x09);
        break;
      case 0x6e:
        out.push(0x0a);
        break;
      case 0x72:
        out.push(0x0d);
        break;
      case 0x76:
        out.push(0x0b);
        break;
      case 0x61:
        out.push(0x07);
        break;
      case 0x78: {
        const h1 = i < bytes.length ? hexValue(bytes[i] as number) : -1;
        const h2 = i + 1 < bytes.length ? hexValue(bytes[i + 1] as number) : -1;
        if (h1 < 0 || h2 < 0) throw new TextDecodeError(`invalid \\x escape at position ${i - 2}`);
        out.push(h1 * 16 + h2);
        i += 2;
        break;
      }
      default:
        if (c >= 0x30 && c <= 0x37) {
          let v = c - 0x30;
          for (let k = 0; k < 2 && i < bytes.length; k++) {
            const d = bytes[i] as number;
            if (d < 0x30 || d > 0x37) break;
            v = v * 8 + (d - 0x30);
            i++;
          }
          out.push(v & 0xff);
        } else {
          out.push(0x5c, c);
        }
    }
  }
  return Uint8Array.from(out);
}

/** `str(data, 'raw-unicode-escape')`: bytes are Latin-1 except `\uXXXX` and `\UXXXXXXXX`. */
export function rawUnicodeEscape(bytes: Uint8Array): string {
  if (bytes.indexOf(0x5c) < 0) return latin1(bytes);
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    if (b !== 0x5c) {
      out += String.fromCharCode(b);
      i++;
      continue;
    }
    // Count a run of backslashes: only an odd one before u/U starts an escape.
    let j = i;
    while (j < bytes.length && bytes[j] === 0x5c) j++;
    const run = j - i;
    const next = bytes[j];
    if (run % 2 === 0 || (next !== 0x75 && next !== 0x55)) {
      out += '\\'.repeat(run);
      i = j;
      continue;
    }
    out += '\\'.repeat(run - 1);
    const digits = next === 0x75 ? 4 : 8;
    let cp = 0;
    for (let k = 1; k <= digits; k++) {
      const d = j + k < bytes.length ? hexValue(bytes[j + k] as number) : -1;
      if (d < 0) throw new TextDecodeError(`truncated \\${next === 0x75 ? 'u' : 'U'} escape`);
      cp = cp * 16 + d;
    }
    if (cp > 0x10ffff) throw new TextDecodeError('\\Uxxxxxxxx out of range');
    out += cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp);
    i = j + 1 + digits;
  }
  return out;
}

const PY_INT = /^[+-]?\d(?:_?\d)*$/;

/** Python's `int(text)` in base 10 (whitespace, sign and single underscores allowed). */
export function parsePyInt(text: string): bigint | undefined {
  const s = text.trim();
  if (!PY_INT.test(s)) return undefined;
  return BigInt(s.replaceAll('_', ''));
}

const PY_FLOAT =
  /^[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$/;
const PY_FLOAT_SPECIAL = /^[+-]?(?:inf|infinity|nan)$/i;

/** Python's `float(text)`, or undefined when Python would raise. */
export function parsePyFloat(text: string): number | undefined {
  const s = text.trim();
  if (PY_FLOAT_SPECIAL.test(s)) {
    const neg = s.startsWith('-');
    if (/nan/i.test(s)) return Number.NaN;
    return neg ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  if (!PY_FLOAT.test(s)) return undefined;
  return Number(s.replaceAll('_', ''));
}

/** Two's-complement little-endian integer (pickle's LONG1/LONG4 payload). */
export function decodeLong(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i] as number);
  if (((bytes[bytes.length - 1] as number) & 0x80) !== 0) v -= 1n << BigInt(8 * bytes.length);
  return v;
}
