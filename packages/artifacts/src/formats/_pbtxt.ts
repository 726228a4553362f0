/*
 * Protobuf text format (what `text_format.Merge` reads), schema-less and event-driven: field
 * names, nested messages (`{}` or `<>`, `:` optional), lists (`[a, b]`, `[{…}, {…}]`), scalars
 * (quoted strings with C escapes, adjacent strings concatenated; bare words for numbers, enums
 * and booleans), `#` comments, `,`/`;` separators, `[extension.or/any.Type]` names. Nothing is
 * built but what the visitor keeps; strings are decoded only when the visitor asks, and only up
 * to the length it asks for.
 */

import { isAsciiSpace } from './_ascii-space.js';
import { PbError } from './_protobuf.js';

/** A scalar field's value: one word, or one or more adjacent quoted strings. */
export interface PbTextScalar {
  readonly quoted: boolean;
  /** The value as text (escapes decoded, pieces joined), at most `max` bytes of it. */
  text(max: number): string;
}

/** What the parser tells while it walks; `open`/`close` pair up around each message value. */
export interface PbTextVisitor {
  open(name: string): void;
  close(): void;
  scalar(name: string, value: PbTextScalar): void;
}

export interface PbTextOptions {
  /** Messages nested deeper than this are an error (protobuf's own default is 100). */
  maxDepth?: number;
  /** Called every 4096 tokens; true stops the walk with an error. */
  expired?: () => boolean;
  /**
   * The bytes are only the start of the content (a sniff): running out of bytes anywhere ends the
   * walk quietly instead of being an error.
   */
  partial?: boolean;
}

enum T {
  Eof = 0,
  Punct = 1,
  Str = 2,
  Word = 3,
}

interface Token {
  kind: T;
  start: number;
  end: number;
  /** The punctuation byte, for Punct. */
  ch: number;
}

/** Thrown in partial mode when the bytes run out. */
class OutOfBytes extends Error {}

const PUNCT = new Set([0x7b, 0x7d, 0x3c, 0x3e, 0x5b, 0x5d, 0x3a, 0x2c, 0x3b]); // { } < > [ ] : , ;
function isWordByte(b: number): boolean {
  return (
    (b >= 0x30 && b <= 0x39) ||
    (b >= 0x41 && b <= 0x5a) ||
    (b >= 0x61 && b <= 0x7a) ||
    b === 0x5f ||
    b === 0x2e ||
    b === 0x2b ||
    b === 0x2d
  );
}

function isNameStart(b: number): boolean {
  return (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f;
}

const SIMPLE_ESCAPES: Record<number, number> = {
  110: 0x0a, // n
  116: 0x09, // t
  114: 0x0d, // r
  97: 0x07, // a
  98: 0x08, // b
  102: 0x0c, // f
  118: 0x0b, // v
  92: 0x5c, // \
  39: 0x27, // '
  34: 0x22, // "
  63: 0x3f, // ?
};

function hexValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  return -1;
}

function pushCodePoint(out: number[], cp: number): void {
  const s = Buffer.from(String.fromCodePoint(Math.min(cp, 0x10ffff)), 'utf8');
  for (const b of s) out.push(b);
}

/**
 * The bytes of a quoted string's body `[start, end)` with C escapes decoded (`\n`, `\x41`, octal
 * `\101`, `\u0041`, `\U00000041`; an unknown escape keeps its backslash, as Python does), appended
 * to `out` until it holds `max` bytes.
 */
function unescapeInto(b: Uint8Array, start: number, end: number, out: number[], max: number) {
  let i = start;
  while (i < end && out.length < max) {
    const c = b[i] as number;
    if (c !== 0x5c || i + 1 >= end) {
      out.push(c);
      i++;
      continue;
    }
    const e = b[i + 1] as number;
    i += 2;
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      out.push(simple);
    } else if (e >= 0x30 && e <= 0x37) {
      let v = e - 0x30;
      for (let k = 0; k < 2 && i < end && (b[i] as number) >= 0x30 && (b[i] as number) <= 0x37; k++)
        v = v * 8 + ((b[i++] as number) - 0x30);
      out.push(v & 0xff);
    } else if (e === 0x78 && i < end && hexValue(b[i] as number) >= 0) {
      let v = 0;
      for (let k = 0; k < 2 && i < end && hexValue(b[i] as number) >= 0; k++)
        v = v * 16 + hexValue(b[i++] as number);
      out.push(v);
    } else if ((e === 0x75 || e === 0x55) && i + (e === 0x75 ? 4 : 8) <= end) {
      const n = e === 0x75 ? 4 : 8;
      let v = 0;
      let ok = true;
      for (let k = 0; k < n; k++) {
        const h = hexValue(b[i + k] as number);
        if (h < 0) ok = false;
        v = v * 16 + h;
      }
      if (ok) {
        pushCodePoint(out, v);
        i += n;
      } else out.push(0x5c, e);
    } else out.push(0x5c, e);
  }
}

class Lexer {
  pos = 0;
  private peeked: Token | undefined;
  private count = 0;

  constructor(
    readonly b: Uint8Array,
    private readonly partial: boolean,
    private readonly expired: (() => boolean) | undefined,
  ) {}

  fail(message: string, at: number): never {
    if (this.partial && at >= this.b.length) throw new OutOfBytes();
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < at && i < this.b.length; i++) {
      if (this.b[i] === 0x0a) {
        line++;
        lineStart = i + 1;
      }
    }
    throw new PbError(`${message} at line ${line}, column ${at - lineStart + 1} (byte ${at})`);
  }

  peek(): Token {
    this.peeked ??= this.scan();
    return this.peeked;
  }

  next(): Token {
    const t = this.peek();
    this.peeked = undefined;
    return t;
  }

  /** Consumes the punctuation `ch` when it comes next. */
  accept(ch: number): boolean {
    const t = this.peek();
    if (t.kind !== T.Punct || t.ch !== ch) return false;
    this.peeked = undefined;
    return true;
  }

  private scan(): Token {
    if (++this.count % 4096 === 0 && this.expired?.() === true)
      throw new PbError('time limit reached');
    const b = this.b;
    let i = this.pos;
    for (;;) {
      while (i < b.length && isAsciiSpace(b[i] as number)) i++;
      if (i < b.length && b[i] === 0x23) {
        while (i < b.length && b[i] !== 0x0a) i++;
        continue;
      }
      break;
    }
    if (i >= b.length) {
      this.pos = i;
      return { kind: T.Eof, start: i, end: i, ch: 0 };
    }
    const c = b[i] as number;
    if (PUNCT.has(c)) {
      this.pos = i + 1;
      return { kind: T.Punct, start: i, end: i + 1, ch: c };
    }
    if (c === 0x22 || c === 0x27) {
      let j = i + 1;
      while (j < b.length && b[j] !== c) {
        if (b[j] === 0x0a) this.fail('string runs past the end of its line', j);
        j += b[j] === 0x5c ? 2 : 1;
      }
      if (j >= b.length) this.fail('string not closed', b.length);
      this.pos = j + 1;
      return { kind: T.Str, start: i, end: j + 1, ch: c };
    }
    if (isWordByte(c)) {
      let j = i + 1;
      while (j < b.length && isWordByte(b[j] as number)) j++;
      // A word cut by the end of a sniffed head may be longer: it is not taken as complete.
      if (this.partial && j >= b.length) throw new OutOfBytes();
      this.pos = j;
      return { kind: T.Word, start: i, end: j, ch: 0 };
    }
    return this.fail(`unexpected byte 0x${c.toString(16).padStart(2, '0')}`, i);
  }

  text(t: Token): string {
    return Buffer.from(this.b.subarray(t.start, t.end)).toString('latin1');
  }
}

class Parser {
  constructor(
    private readonly lx: Lexer,
    private readonly visitor: PbTextVisitor,
    private readonly maxDepth: number,
  ) {}

  /** Fields until `closer` (a punctuation byte, or 0 for the end of the input). */
  message(closer: number, depth: number): void {
    const lx = this.lx;
    for (;;) {
      const t = lx.next();
      if (t.kind === T.Eof) {
        if (closer === 0) return;
        lx.fail(`message not closed (expected "${String.fromCharCode(closer)}")`, t.start);
      }
      if (t.kind === T.Punct && t.ch === closer) return;
      let name: string;
      if (t.kind === T.Punct && t.ch === 0x5b) name = this.bracketName(t.start);
      else if (t.kind === T.Word && isNameStart(lx.b[t.start] as number)) name = lx.text(t);
      else name = lx.fail('expected a field name', t.start);
      this.field(name, depth);
      if (!lx.accept(0x2c)) lx.accept(0x3b);
    }
  }

  /** `[pkg.ext]` or `[type.googleapis.com/pkg.Type]`, after its `[`. */
  private bracketName(at: number): string {
    const lx = this.lx;
    let name = '[';
    for (let n = 0; n < 64; n++) {
      const t = lx.next();
      if (t.kind === T.Punct && t.ch === 0x5d) return `${name}]`;
      if (t.kind !== T.Word) break;
      name += lx.text(t);
      // A type URL's `/` is no word byte: take it here.
      if (lx.b[lx.pos] === 0x2f) {
        name += '/';
        lx.pos++;
      }
    }
    return lx.fail('extension or Any type name not closed', at);
  }

  private field(name: string, depth: number): void {
    const lx = this.lx;
    const colon = lx.accept(0x3a);
    const t = lx.peek();
    if (t.kind === T.Punct && t.ch === 0x5b) {
      lx.next();
      if (lx.accept(0x5d)) return;
      for (;;) {
        this.value(name, depth, true);
        if (lx.accept(0x5d)) return;
        if (!lx.accept(0x2c)) lx.fail('expected "," or "]" in a list', lx.peek().start);
      }
    }
    this.value(name, depth, colon);
  }

  private value(name: string, depth: number, scalarAllowed: boolean): void {
    const lx = this.lx;
    const t = lx.peek();
    if (t.kind === T.Punct && (t.ch === 0x7b || t.ch === 0x3c)) {
      lx.next();
      if (depth + 1 > this.maxDepth)
        lx.fail(`messages nested deeper than ${this.maxDepth} levels`, t.start);
      this.visitor.open(name);
      this.message(t.ch === 0x7b ? 0x7d : 0x3e, depth + 1);
      this.visitor.close();
      return;
    }
    if (!scalarAllowed) lx.fail(`expected ":" or a message after field ${name}`, t.start);
    if (t.kind === T.Word) {
      lx.next();
      const word = lx.text(t);
      this.visitor.scalar(name, { quoted: false, text: (max) => word.slice(0, max) });
      return;
    }
    if (t.kind !== T.Str) lx.fail(`expected a value for field ${name}`, t.start);
    const pieces: Token[] = [];
    while (lx.peek().kind === T.Str) pieces.push(lx.next());
    const b = lx.b;
    this.visitor.scalar(name, {
      quoted: true,
      text(max) {
        const out: number[] = [];
        for (const p of pieces) {
          if (out.length >= max) break;
          unescapeInto(b, p.start + 1, p.end - 1, out, max);
        }
        return Buffer.from(out).toString('utf8');
      },
    });
  }
}

/**
 * Walks text-format protobuf `bytes`, telling `visitor` every message and scalar field. Throws
 * PbError (with line and column) on malformed text, nesting deeper than `maxDepth` or when
 * `expired()` says so. With `partial`, running out of bytes just ends the walk.
 */
export function walkPbText(
  bytes: Uint8Array,
  visitor: PbTextVisitor,
  options: PbTextOptions = {},
): void {
  const lx = new Lexer(bytes, options.partial === true, options.expired);
  try {
    new Parser(lx, visitor, options.maxDepth ?? 100).message(0, 0);
  } catch (error) {
    if (!(error instanceof OutOfBytes)) throw error;
  }
}
