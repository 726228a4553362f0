import { readSync } from 'node:fs';
import { InputError } from '@mlwarden/core';

/** Sequential bytes: `read` fills `target[offset, offset + length)` and returns the count, 0 at the end. */
export interface ByteSource {
  read(target: Uint8Array, offset: number, length: number): number;
}

export function bytesSource(bytes: Uint8Array): ByteSource {
  let at = 0;
  return {
    read(target, offset, length) {
      const n = Math.min(length, bytes.length - at);
      target.set(bytes.subarray(at, at + n), offset);
      at += n;
      return n;
    },
  };
}

/** Reads an open file descriptor from its current position, chunk by chunk. */
export function fdSource(fd: number): ByteSource {
  return { read: (target, offset, length) => readSync(fd, target, offset, length, null) };
}

/** A value that was too large to keep: its size in bytes is all that is known. */
export interface Omitted {
  readonly omittedBytes: number;
}

export function isOmitted(value: unknown): value is Omitted {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { omittedBytes?: unknown }).omittedBytes === 'number' &&
    Object.keys(value).length === 1
  );
}

export type JsonKind = 'object' | 'array' | 'string' | 'number' | 'literal' | 'end';

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

function isSpace(c: number): boolean {
  return c === SPACE || c === LF || c === CR || c === TAB;
}

function describeByte(c: number | undefined): string {
  if (c === undefined) return 'the end of the file';
  return c >= 0x21 && c < 0x7f ? `"${String.fromCharCode(c)}"` : `byte 0x${c.toString(16)}`;
}

interface Frame {
  kind: 'object' | 'array';
  first: boolean;
}

export interface JsonScannerOptions {
  /** Name of the input, for messages. */
  name: string;
  /** Bytes read at a time. Default 1 MiB. */
  chunkSize?: number;
  /** Largest single value `readValue` keeps in memory. Default 64 MiB. */
  maxValueBytes?: number;
}

/**
 * A pull reader for one JSON document that never holds more than the value it is asked to keep.
 * Callers walk containers with `openObject`/`nextKey` and `openArray`/`nextItem`, and take values
 * with `readValue` (parsed by `JSON.parse`), `readBounded` (parsed when small enough, otherwise
 * skipped and reported as `Omitted`) or `skip`. Malformed or truncated input is an InputError that
 * names the byte offset and the JSON path.
 */
export class JsonScanner {
  private buf: Uint8Array;
  private pos = 0;
  private end = 0;
  /** Absolute offset of buf[0] in the input. */
  private base = 0;
  private eof = false;
  private readonly stack: Frame[] = [];
  /** Size in bytes of the value the last scan went over. */
  private skipped = 0;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private readonly chunkSize: number;
  private readonly maxValueBytes: number;
  readonly name: string;

  constructor(
    private readonly source: ByteSource,
    options: JsonScannerOptions,
  ) {
    this.name = options.name;
    this.chunkSize = options.chunkSize ?? 1 << 20;
    this.maxValueBytes = options.maxValueBytes ?? 64 << 20;
    this.buf = new Uint8Array(this.chunkSize);
    this.fill(0);
    if (this.end >= 3 && this.buf[0] === 0xef && this.buf[1] === 0xbb && this.buf[2] === 0xbf) {
      this.pos = 3;
    }
  }

  /** Absolute byte offset of the next unread byte. */
  get offset(): number {
    return this.base + this.pos;
  }

  /** Bytes read from the source so far. */
  get bytesRead(): number {
    return this.base + this.end;
  }

  /**
   * Reads more input, keeping buf[keep, end). Returns how far the kept bytes moved to the front
   * (subtract it from indexes into buf), or -1 at the end of the input.
   */
  private fill(keep: number): number {
    if (this.eof) return -1;
    let shift = 0;
    if (keep > 0) {
      this.buf.copyWithin(0, keep, this.end);
      this.end -= keep;
      this.pos -= keep;
      this.base += keep;
      shift = keep;
    }
    if (this.buf.length - this.end < this.chunkSize / 2) {
      const grown = new Uint8Array(Math.max(this.buf.length * 2, this.end + this.chunkSize));
      grown.set(this.buf.subarray(0, this.end));
      this.buf = grown;
    }
    const n = this.source.read(this.buf, this.end, this.buf.length - this.end);
    if (n === 0) {
      this.eof = true;
      return shift === 0 ? -1 : shift;
    }
    this.end += n;
    return shift;
  }

  private truncated(path: string): InputError {
    return new InputError(
      `${this.name}: the JSON ends early at byte ${this.bytesRead} inside ${path || 'the document'}; the file looks truncated`,
      { hint: 'write the file again (GX stopped or the copy was cut short), then retry' },
    );
  }

  fail(path: string, what: string): InputError {
    return new InputError(
      `${this.name}: invalid JSON at byte ${this.offset}${path ? ` (${path})` : ''}: ${what}`,
      {
        hint: 'the file is not valid JSON as Great Expectations writes it; check that it is the right file',
      },
    );
  }

  /** Skips whitespace; returns the next byte without consuming it, or undefined at the end. */
  private peekByte(): number | undefined {
    for (;;) {
      while (this.pos < this.end) {
        const c = this.buf[this.pos] as number;
        if (!isSpace(c)) return c;
        this.pos++;
      }
      if (this.fill(this.pos) < 0) return undefined;
    }
  }

  peekKind(): JsonKind {
    const c = this.peekByte();
    if (c === undefined) return 'end';
    if (c === OPEN_BRACE) return 'object';
    if (c === OPEN_BRACKET) return 'array';
    if (c === QUOTE) return 'string';
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return 'number';
    return 'literal';
  }

  private expectByte(byte: number, path: string): void {
    const c = this.peekByte();
    if (c === undefined) throw this.truncated(path);
    if (c !== byte) {
      throw this.fail(path, `expected "${String.fromCharCode(byte)}" but found ${describeByte(c)}`);
    }
    this.pos++;
  }

  openObject(path: string): void {
    this.expectByte(OPEN_BRACE, path);
    this.stack.push({ kind: 'object', first: true });
  }

  openArray(path: string): void {
    this.expectByte(OPEN_BRACKET, path);
    this.stack.push({ kind: 'array', first: true });
  }

  /**
   * Moves to the next entry of the container opened last: false (and the container closed) at
   * its closing bracket, true after the separating comma otherwise.
   */
  private nextEntry(path: string, kind: Frame['kind']): boolean {
    const frame = this.stack[this.stack.length - 1];
    if (frame?.kind !== kind) throw new Error(`next ${kind} entry outside an ${kind}`);
    const close = kind === 'object' ? CLOSE_BRACE : CLOSE_BRACKET;
    const c = this.peekByte();
    if (c === undefined) throw this.truncated(path);
    if (c === close) {
      this.pos++;
      this.stack.pop();
      return false;
    }
    if (!frame.first) {
      if (c !== COMMA) {
        throw this.fail(
          path,
          `expected "," or "${String.fromCharCode(close)}" but found ${describeByte(c)}`,
        );
      }
      this.pos++;
    }
    frame.first = false;
    return true;
  }

  /** The next key of the object opened last, or undefined after its closing brace. */
  nextKey(path: string): string | undefined {
    if (!this.nextEntry(path, 'object')) return undefined;
    const c = this.peekByte();
    if (c === undefined) throw this.truncated(path);
    if (c !== QUOTE) throw this.fail(path, `expected a key in quotes but found ${describeByte(c)}`);
    const key = this.readValue(path, 1 << 20) as string;
    this.expectByte(COLON, path);
    return key;
  }

  /** True when the array opened last has another item; false after its closing bracket. */
  nextItem(path: string): boolean {
    return this.nextEntry(path, 'array');
  }

  /**
   * Finds the end of the value that starts at `pos` (after whitespace). With `keep`, the value's
   * bytes stay in buf from `pos` until the returned end index, unless they pass `limit`, in
   * which case the rest is scanned without keeping and -1 is returned (bytes in `this.skipped`).
   */
  private scan(path: string, keep: boolean, limit: number, probe = false): number {
    const first = this.peekByte();
    if (first === undefined) throw this.truncated(path);
    const start = this.pos;
    const startOffset = this.base + start;
    let keepFrom = keep ? start : -1;
    let i = start;
    let depth = 0;
    let inString = false;
    let escaped = false;
    const container = first === OPEN_BRACE || first === OPEN_BRACKET;
    const string = first === QUOTE;
    if (!container && !string) {
      const ok =
        first === 0x2d || (first >= 0x30 && first <= 0x39) || first === 0x74 || first === 0x66;
      if (!ok && first !== 0x6e)
        throw this.fail(path, `expected a value but found ${describeByte(first)}`);
    }
    for (;;) {
      if (i >= this.end) {
        if (keepFrom >= 0 && this.base + i - startOffset > limit) {
          // pos still points at the value's start: a probe leaves it there.
          if (probe) return -2;
          keepFrom = -1;
        }
        const shift = this.fill(keepFrom >= 0 ? keepFrom : i);
        if (shift < 0) {
          if (!container && !string) break;
          throw this.truncated(path);
        }
        i -= shift;
        if (keepFrom >= 0) keepFrom -= shift;
        if (i >= this.end) {
          if (!container && !string) break;
          throw this.truncated(path);
        }
      }
      const c = this.buf[i] as number;
      if (inString) {
        if (escaped) {
          escaped = false;
        } else if (c === BACKSLASH) {
          escaped = true;
        } else if (c === QUOTE) {
          inString = false;
          if (string) {
            i++;
            break;
          }
        } else {
          // Jump to the next quote or backslash in the buffer.
          let j = i + 1;
          while (j < this.end) {
            const d = this.buf[j] as number;
            if (d === QUOTE || d === BACKSLASH) break;
            j++;
          }
          i = j;
          continue;
        }
        i++;
        continue;
      }
      if (container) {
        if (c === QUOTE) inString = true;
        else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
        else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
          depth--;
          if (depth === 0) {
            i++;
            break;
          }
        }
        i++;
        continue;
      }
      if (string) {
        // The opening quote: what follows is the string's content.
        inString = true;
        i++;
        continue;
      }
      if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || isSpace(c)) break;
      i++;
    }
    this.skipped = this.base + i - startOffset;
    if (keepFrom < 0) {
      this.pos = i;
      return -1;
    }
    if (keep && this.skipped > limit) {
      if (probe) return -2;
      this.pos = i;
      return -1;
    }
    return i;
  }

  private parse(path: string, endIndex: number): unknown {
    const start = this.pos;
    const at = this.offset;
    let text: string;
    try {
      text = this.decoder.decode(this.buf.subarray(start, endIndex));
    } catch {
      throw this.fail(path, 'the bytes are not valid UTF-8');
    }
    this.pos = endIndex;
    try {
      return JSON.parse(text);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new InputError(
        `${this.name}: invalid JSON in the value at byte ${at}${path ? ` (${path})` : ''}: ${detail}`,
        {
          hint: 'the file is not valid JSON as Great Expectations writes it; check that it is the right file',
        },
      );
    }
  }

  /**
   * Reads and parses the next value. A value larger than `limit` bytes (default: the scanner's
   * `maxValueBytes`) is an InputError with code MLW_LIMIT_EXCEEDED.
   */
  readValue(path: string, limit = this.maxValueBytes): unknown {
    const end = this.scan(path, true, limit);
    if (end < 0) {
      throw new InputError(
        `${this.name}: the value at ${path || 'the top level'} takes ${this.skipped} bytes, more than the limit of ${limit}`,
        {
          code: 'MLW_LIMIT_EXCEEDED',
          hint: 'raise maxValueBytes if the file is trusted and this is expected',
        },
      );
    }
    return this.parse(path, end);
  }

  /** Reads the next value if it takes at most `limit` bytes, else skips it and returns `Omitted`. */
  readBounded(path: string, limit: number): unknown {
    const end = this.scan(path, true, limit);
    if (end < 0) return { omittedBytes: this.skipped } satisfies Omitted;
    return this.parse(path, end);
  }

  /**
   * Reads and parses the next value if it takes at most `limit` bytes; otherwise reads nothing
   * (the scanner stays before the value, so the caller can walk it piece by piece).
   */
  readIfSmall(path: string, limit: number): { value: unknown } | undefined {
    const end = this.scan(path, true, limit, true);
    if (end === -2) return undefined;
    return { value: this.parse(path, end) };
  }

  /** Skips the next value; returns its size in bytes. */
  skip(path: string): number {
    this.scan(path, false, 0);
    return this.skipped;
  }

  /** Throws unless only whitespace is left. */
  finish(): void {
    const c = this.peekByte();
    if (c !== undefined)
      throw this.fail('', `unexpected ${describeByte(c)} after the end of the JSON value`);
  }
}
