import { CorruptDataError, type IncrementalDecoder, InputBuffer } from './_incremental.js';

/*
 * LZMA decoding (the `.lzma` "alone" format and LZMA2 inside `.xz`), written from the LZMA
 * specification. Incremental: it decodes symbol by symbol, pauses for input and returns output
 * in chunks of at most OUT_CHUNK bytes, so a caller can stop at any decompression limit.
 */

const OUT_CHUNK = 1024 * 1024;
const PROB_INIT = 1024;
const NUM_STATES = 12;
const POS_STATES_MAX = 16;
const END_POS_MODEL_INDEX = 14;
const NUM_FULL_DISTANCES = 128;
const MATCH_MIN_LEN = 2;
/** Input a single LZMA symbol can consume at most (with margin). */
const SYMBOL_INPUT = 64;
const MAX_DICT = 1536 * 1024 * 1024;

class RangeDecoder {
  range = 0;
  code = 0;
  buf = new Uint8Array(0);
  pos = 0;
  end = 0;

  byte(): number {
    if (this.pos >= this.end)
      throw new CorruptDataError('lzma: compressed data ends in the middle of a symbol');
    return this.buf[this.pos++] as number;
  }

  init(): void {
    if (this.byte() !== 0) throw new CorruptDataError('lzma: bad range coder start');
    this.code = 0;
    for (let i = 0; i < 4; i++) this.code = (this.code * 256 + this.byte()) >>> 0;
    this.range = 0xffffffff;
    if (this.code === this.range) throw new CorruptDataError('lzma: bad range coder start');
  }

  bit(probs: Uint16Array, i: number): number {
    const p = probs[i] as number;
    const bound = (this.range >>> 11) * p;
    let b: number;
    if (this.code < bound) {
      this.range = bound;
      probs[i] = p + ((2048 - p) >>> 5);
      b = 0;
    } else {
      this.range -= bound;
      this.code -= bound;
      probs[i] = p - (p >>> 5);
      b = 1;
    }
    if (this.range < 0x1000000) {
      this.range = this.range * 256;
      this.code = this.code * 256 + this.byte();
    }
    return b;
  }

  direct(n: number): number {
    let res = 0;
    for (let k = 0; k < n; k++) {
      this.range = this.range >>> 1;
      let b = 0;
      if (this.code >= this.range) {
        this.code -= this.range;
        b = 1;
      }
      res = res * 2 + b;
      if (this.range < 0x1000000) {
        this.range = this.range * 256;
        this.code = this.code * 256 + this.byte();
      }
    }
    return res;
  }

  tree(probs: Uint16Array, base: number, bits: number): number {
    let m = 1;
    for (let k = 0; k < bits; k++) m = (m << 1) + this.bit(probs, base + m);
    return m - (1 << bits);
  }

  reverse(probs: Uint16Array, base: number, bits: number): number {
    let m = 1;
    let sym = 0;
    for (let k = 0; k < bits; k++) {
      const b = this.bit(probs, base + m);
      m = (m << 1) + b;
      sym |= b << k;
    }
    return sym;
  }
}

class LenDecoder {
  choice = new Uint16Array(2);
  low = new Uint16Array(POS_STATES_MAX << 3);
  mid = new Uint16Array(POS_STATES_MAX << 3);
  high = new Uint16Array(256);

  reset(): void {
    this.choice.fill(PROB_INIT);
    this.low.fill(PROB_INIT);
    this.mid.fill(PROB_INIT);
    this.high.fill(PROB_INIT);
  }

  decode(rc: RangeDecoder, posState: number): number {
    if (rc.bit(this.choice, 0) === 0) return rc.tree(this.low, posState << 3, 3);
    if (rc.bit(this.choice, 1) === 0) return 8 + rc.tree(this.mid, posState << 3, 3);
    return 16 + rc.tree(this.high, 0, 8);
  }
}

/** The LZMA symbol decoder with its dictionary (a circular window) and output staging. */
class LzmaCore {
  lc = 3;
  lp = 0;
  pb = 2;
  dict: Uint8Array;
  dictPos = 0;
  dictFull = false;
  /** Bytes decoded since the last dictionary reset. */
  total = 0;
  literal = new Uint16Array(0x300);
  posSlot = new Uint16Array(4 << 6);
  posDecoders = new Uint16Array(1 + NUM_FULL_DISTANCES - END_POS_MODEL_INDEX);
  align = new Uint16Array(16);
  isMatch = new Uint16Array(NUM_STATES << 4);
  isRep = new Uint16Array(NUM_STATES);
  isRepG0 = new Uint16Array(NUM_STATES);
  isRepG1 = new Uint16Array(NUM_STATES);
  isRepG2 = new Uint16Array(NUM_STATES);
  isRep0Long = new Uint16Array(NUM_STATES << 4);
  lenDec = new LenDecoder();
  repLenDec = new LenDecoder();
  state = 0;
  rep0 = 0;
  rep1 = 0;
  rep2 = 0;
  rep3 = 0;
  pendingLen = 0;
  out = new Uint8Array(OUT_CHUNK);
  outLen = 0;
  readonly rc = new RangeDecoder();

  constructor(dictSize: number) {
    if (dictSize > MAX_DICT)
      throw new CorruptDataError(`lzma: dictionary of ${dictSize} bytes is too large`);
    this.dict = new Uint8Array(Math.max(4096, dictSize));
  }

  setProps(props: number): void {
    if (props >= 9 * 5 * 5) throw new CorruptDataError('lzma: bad properties byte');
    this.lc = props % 9;
    const rest = Math.floor(props / 9);
    this.lp = rest % 5;
    this.pb = Math.floor(rest / 5);
    if (this.literal.length !== 0x300 << (this.lc + this.lp)) {
      this.literal = new Uint16Array(0x300 << (this.lc + this.lp));
    }
  }

  resetDict(): void {
    this.dictPos = 0;
    this.dictFull = false;
    this.total = 0;
  }

  resetState(): void {
    this.literal.fill(PROB_INIT);
    this.posSlot.fill(PROB_INIT);
    this.posDecoders.fill(PROB_INIT);
    this.align.fill(PROB_INIT);
    this.isMatch.fill(PROB_INIT);
    this.isRep.fill(PROB_INIT);
    this.isRepG0.fill(PROB_INIT);
    this.isRepG1.fill(PROB_INIT);
    this.isRepG2.fill(PROB_INIT);
    this.isRep0Long.fill(PROB_INIT);
    this.lenDec.reset();
    this.repLenDec.reset();
    this.state = 0;
    this.rep0 = this.rep1 = this.rep2 = this.rep3 = 0;
    this.pendingLen = 0;
  }

  put(b: number): void {
    const d = this.dict;
    d[this.dictPos++] = b;
    if (this.dictPos === d.length) {
      this.dictPos = 0;
      this.dictFull = true;
    }
    this.total++;
    this.out[this.outLen++] = b;
  }

  get(dist: number): number {
    let i = this.dictPos - dist;
    if (i < 0) i += this.dict.length;
    return this.dict[i] as number;
  }

  /** Takes the output staged so far. */
  take(): Uint8Array {
    const chunk = this.out.slice(0, this.outLen);
    this.outLen = 0;
    return chunk;
  }

  get outFull(): boolean {
    return this.outLen >= OUT_CHUNK;
  }

  /** Continues a match cut short by a full output chunk; `limit` bounds the bytes written. */
  copyPending(limit: number): void {
    const dist = this.rep0 + 1;
    let n = Math.min(this.pendingLen, OUT_CHUNK - this.outLen, limit);
    this.pendingLen -= n;
    while (n-- > 0) this.put(this.get(dist));
  }

  /**
   * Decodes one symbol, writing at most `limit` bytes (a match longer than that stays pending).
   * Returns false at the end marker.
   */
  symbol(limit: number): boolean {
    const rc = this.rc;
    const posState = this.total & ((1 << this.pb) - 1);
    const state = this.state;
    if (rc.bit(this.isMatch, (state << 4) + posState) === 0) {
      const prev = this.total > 0 || this.dictFull ? this.get(1) : 0;
      const litState = ((this.total & ((1 << this.lp) - 1)) << this.lc) + (prev >>> (8 - this.lc));
      const base = 0x300 * litState;
      let sym = 1;
      if (state >= 7) {
        let match = this.get(this.rep0 + 1);
        do {
          const matchBit = (match >>> 7) & 1;
          match <<= 1;
          const b = rc.bit(this.literal, base + ((1 + matchBit) << 8) + sym);
          sym = (sym << 1) | b;
          if (matchBit !== b) break;
        } while (sym < 0x100);
      }
      while (sym < 0x100) sym = (sym << 1) | rc.bit(this.literal, base + sym);
      this.put(sym - 0x100);
      this.state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
      return true;
    }
    let len: number;
    if (rc.bit(this.isRep, state) !== 0) {
      if (this.total === 0 && !this.dictFull)
        throw new CorruptDataError('lzma: repeat match before any data');
      if (rc.bit(this.isRepG0, state) === 0) {
        if (rc.bit(this.isRep0Long, (state << 4) + posState) === 0) {
          this.state = state < 7 ? 9 : 11;
          this.put(this.get(this.rep0 + 1));
          return true;
        }
      } else {
        let dist: number;
        if (rc.bit(this.isRepG1, state) === 0) {
          dist = this.rep1;
        } else {
          if (rc.bit(this.isRepG2, state) === 0) {
            dist = this.rep2;
          } else {
            dist = this.rep3;
            this.rep3 = this.rep2;
          }
          this.rep2 = this.rep1;
        }
        this.rep1 = this.rep0;
        this.rep0 = dist;
      }
      len = this.repLenDec.decode(rc, posState);
      this.state = state < 7 ? 8 : 11;
    } else {
      this.rep3 = this.rep2;
      this.rep2 = this.rep1;
      this.rep1 = this.rep0;
      len = this.lenDec.decode(rc, posState);
      this.state = state < 7 ? 7 : 10;
      this.rep0 = this.distance(len);
      if (this.rep0 === 0xffffffff) return false;
      if (this.rep0 >= this.dict.length || (!this.dictFull && this.rep0 >= this.total)) {
        throw new CorruptDataError('lzma: match distance beyond the data decoded');
      }
    }
    this.pendingLen = len + MATCH_MIN_LEN;
    this.copyPending(limit);
    return true;
  }

  private distance(len: number): number {
    const rc = this.rc;
    const lenState = Math.min(len, 3);
    const slot = rc.tree(this.posSlot, lenState << 6, 6);
    if (slot < 4) return slot;
    const bits = (slot >>> 1) - 1;
    let dist = (2 | (slot & 1)) * 2 ** bits;
    if (slot < END_POS_MODEL_INDEX) {
      dist += rc.reverse(this.posDecoders, dist - slot, bits);
    } else {
      dist += rc.direct(bits - 4) * 16;
      dist += rc.reverse(this.align, 0, 4);
    }
    return dist;
  }
}

function u32(b: Uint8Array, at: number): number {
  return (
    ((b[at] as number) | ((b[at + 1] as number) << 8) | ((b[at + 2] as number) << 16)) +
    (b[at + 3] as number) * 0x1000000
  );
}

/** The `.lzma` ("alone") format: 13-byte header, then one LZMA stream. */
export class LzmaAloneDecoder implements IncrementalDecoder {
  private readonly input = new InputBuffer();
  private core: LzmaCore | undefined;
  private remaining = -1;
  private done = false;

  push(chunk: Uint8Array | null): void {
    this.input.push(chunk);
  }

  next(): Uint8Array | 'more' | 'done' {
    const inp = this.input;
    if (this.done) return 'done';
    if (this.core === undefined) {
      if (inp.available < 18) {
        if (inp.ended) throw new CorruptDataError('lzma: truncated header');
        return 'more';
      }
      const b = inp.buf;
      const p = inp.pos;
      const dictSize = u32(b, p + 1);
      const lo = u32(b, p + 5);
      const hi = u32(b, p + 9);
      this.remaining = lo === 0xffffffff && hi === 0xffffffff ? -1 : hi * 0x100000000 + lo;
      const core = new LzmaCore(dictSize);
      core.setProps(b[p] as number);
      core.resetState();
      inp.pos += 13;
      core.rc.buf = inp.buf;
      core.rc.pos = inp.pos;
      core.rc.end = inp.buf.length;
      core.rc.init();
      inp.pos = core.rc.pos;
      this.core = core;
    }
    const core = this.core;
    const rc = core.rc;
    rc.buf = inp.buf;
    rc.pos = inp.pos;
    rc.end = inp.buf.length;
    try {
      while (!core.outFull) {
        if (this.remaining === 0) {
          this.done = true;
          break;
        }
        const limit = this.remaining < 0 ? Number.POSITIVE_INFINITY : this.remaining;
        const before = core.total;
        if (core.pendingLen > 0) {
          core.copyPending(limit);
        } else {
          if (rc.end - rc.pos < SYMBOL_INPUT && !inp.ended) {
            inp.pos = rc.pos;
            if (core.outLen > 0) return core.take();
            return 'more';
          }
          if (!core.symbol(limit)) {
            this.done = true;
            break;
          }
        }
        if (this.remaining > 0) this.remaining -= core.total - before;
      }
    } finally {
      inp.pos = rc.pos;
    }
    if (core.outLen > 0) return core.take();
    return this.done ? 'done' : this.next();
  }
}

/** Reads a multibyte integer as `.xz` encodes it; undefined when more input is needed. */
function varint(
  b: Uint8Array,
  at: number,
  end: number,
): { value: number; size: number } | undefined {
  let value = 0;
  for (let i = 0; i < 9; i++) {
    if (at + i >= end) return undefined;
    const byte = b[at + i] as number;
    value += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) return { value, size: i + 1 };
  }
  throw new CorruptDataError('xz: bad variable-length integer');
}

function checkSize(id: number): number {
  if (id === 0) return 0;
  return 4 * 2 ** Math.floor((id - 1) / 3);
}

/** The LZMA2 dictionary size its one-byte property encodes. */
function lzma2DictSize(prop: number, what: string): number {
  if (prop > 40) throw new CorruptDataError(`${what}: bad LZMA2 dictionary size`);
  return prop === 40 ? 0xffffffff : (2 | (prop & 1)) * 2 ** (Math.floor(prop / 2) + 11);
}

/** A sequence of LZMA2 chunks up to its end marker (a 0 control byte), as in `.xz` and 7z. */
class Lzma2Chunks {
  private readonly core: LzmaCore;
  private chunkLeft = 0;
  /** Absolute input offset where the current compressed chunk ends. */
  private chunkEnd = 0;
  private needProps = true;

  constructor(
    dictSize: number,
    private readonly what: string,
  ) {
    this.core = new LzmaCore(Math.min(dictSize, MAX_DICT));
  }

  /** Output, `more` when input is needed, or `end` once the end marker is consumed. */
  next(inp: InputBuffer): Uint8Array | 'more' | 'end' {
    const core = this.core;
    for (;;) {
      const b = inp.buf;
      const p = inp.pos;
      const avail = inp.available;
      const need = (n: number): boolean => {
        if (avail >= n) return true;
        if (inp.ended) throw new CorruptDataError(`${this.what}: truncated LZMA2 data`);
        return false;
      };
      if (this.chunkLeft > 0) {
        const rc = core.rc;
        rc.buf = b;
        rc.pos = p;
        rc.end = this.chunkEnd - inp.dropped;
        try {
          while (this.chunkLeft > 0 && !core.outFull) {
            const before = core.total;
            if (core.pendingLen > 0) core.copyPending(this.chunkLeft);
            else if (!core.symbol(this.chunkLeft))
              throw new CorruptDataError(`${this.what}: end marker inside an LZMA2 chunk`);
            this.chunkLeft -= core.total - before;
          }
        } finally {
          inp.pos = rc.pos;
        }
        if (this.chunkLeft === 0) inp.pos = this.chunkEnd - inp.dropped;
        if (core.outLen > 0) return core.take();
        continue;
      }
      if (!need(1)) return 'more';
      const control = b[p] as number;
      if (control === 0) {
        inp.pos += 1;
        return 'end';
      }
      if (control === 1 || control === 2) {
        if (!need(3)) return 'more';
        const size = ((b[p + 1] as number) << 8) + (b[p + 2] as number) + 1;
        if (!need(3 + size)) return 'more';
        if (control === 1) core.resetDict();
        const data = b.subarray(p + 3, p + 3 + size);
        for (const byte of data) core.put(byte);
        inp.pos += 3 + size;
        return core.take();
      }
      if (control < 0x80) throw new CorruptDataError(`${this.what}: bad LZMA2 control byte`);
      const mode = (control >>> 5) & 3;
      const headerLen = mode >= 2 ? 6 : 5;
      if (!need(headerLen)) return 'more';
      const unpacked =
        (control & 0x1f) * 65536 + ((b[p + 1] as number) << 8) + (b[p + 2] as number) + 1;
      const packed = ((b[p + 3] as number) << 8) + (b[p + 4] as number) + 1;
      if (!need(headerLen + packed)) return 'more';
      if (mode === 3) core.resetDict();
      if (mode >= 2) {
        core.setProps(b[p + 5] as number);
        this.needProps = false;
      } else if (this.needProps) {
        throw new CorruptDataError(`${this.what}: LZMA2 chunk without properties`);
      }
      if (mode >= 1) core.resetState();
      core.pendingLen = 0;
      const rc = core.rc;
      rc.buf = b;
      rc.pos = p + headerLen;
      rc.end = p + headerLen + packed;
      rc.init();
      inp.pos = rc.pos;
      this.chunkEnd = inp.dropped + p + headerLen + packed;
      this.chunkLeft = unpacked;
    }
  }
}

/** Raw LZMA2 data (7z's coder 0x21): chunks up to the end marker, no container. */
export class Lzma2Decoder implements IncrementalDecoder {
  private readonly input = new InputBuffer();
  private readonly chunks: Lzma2Chunks;
  private done = false;

  constructor(dictProp: number) {
    this.chunks = new Lzma2Chunks(lzma2DictSize(dictProp, 'lzma2'), 'lzma2');
  }

  push(chunk: Uint8Array | null): void {
    this.input.push(chunk);
  }

  next(): Uint8Array | 'more' | 'done' {
    if (this.done) return 'done';
    const out = this.chunks.next(this.input);
    if (out !== 'end') return out;
    this.done = true;
    return 'done';
  }
}

/**
 * Raw LZMA data with its 5 property bytes kept apart (7z's coder 03 01 01) and a known
 * unpacked size: the `.lzma` decoder fed a header made from them.
 */
export function lzmaRawDecoder(props: Uint8Array, unpackedSize: number): IncrementalDecoder {
  if (props.length < 5) throw new CorruptDataError('lzma: coder properties shorter than 5 bytes');
  const header = new Uint8Array(13);
  header.set(props.subarray(0, 5), 0);
  let size = unpackedSize;
  for (let i = 5; i < 13; i++) {
    header[i] = size % 256;
    size = Math.floor(size / 256);
  }
  const decoder = new LzmaAloneDecoder();
  decoder.push(header);
  return decoder;
}

type XzState =
  | 'stream-header'
  | 'block-or-index'
  | 'chunk'
  | 'block-end'
  | 'index'
  | 'footer'
  | 'padding'
  | 'done';

/** The `.xz` container with LZMA2 blocks (no BCJ/delta filters). */
export class XzDecoder implements IncrementalDecoder {
  private readonly input = new InputBuffer();
  private state: XzState = 'stream-header';
  private check = 0;
  private lzma2: Lzma2Chunks | undefined;
  /** Absolute offset (in the whole input) where the current block started. */
  private blockStart = 0;
  private streams = 0;

  push(chunk: Uint8Array | null): void {
    this.input.push(chunk);
  }

  private abs(): number {
    return this.input.dropped + this.input.pos;
  }

  next(): Uint8Array | 'more' | 'done' {
    const inp = this.input;
    for (;;) {
      const b = inp.buf;
      const p = inp.pos;
      const avail = inp.available;
      const need = (n: number): boolean => {
        if (avail >= n) return true;
        if (inp.ended) throw new CorruptDataError(`xz: truncated (${this.state})`);
        return false;
      };
      switch (this.state) {
        case 'done':
          return 'done';
        case 'stream-header': {
          if (avail === 0 && inp.ended && this.streams > 0) {
            this.state = 'done';
            continue;
          }
          if (!need(12)) return 'more';
          const magic = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
          if (!magic.every((m, i) => b[p + i] === m))
            throw new CorruptDataError('xz: bad stream magic');
          this.check = (b[p + 7] as number) & 0x0f;
          inp.pos += 12;
          this.streams++;
          this.state = 'block-or-index';
          continue;
        }
        case 'block-or-index': {
          if (!need(1)) return 'more';
          if (b[p] === 0) {
            this.state = 'index';
            continue;
          }
          const size = ((b[p] as number) + 1) * 4;
          if (!need(size)) return 'more';
          this.blockStart = this.abs();
          const flags = b[p + 1] as number;
          if ((flags & 0x3c) !== 0) throw new CorruptDataError('xz: reserved block flags set');
          let at = p + 2;
          const end = p + size - 4;
          if ((flags & 0x40) !== 0) at += (varint(b, at, end) ?? this.bad('block header')).size;
          if ((flags & 0x80) !== 0) at += (varint(b, at, end) ?? this.bad('block header')).size;
          const filters = (flags & 3) + 1;
          let dictProp = -1;
          for (let f = 0; f < filters; f++) {
            const id = varint(b, at, end) ?? this.bad('filter flags');
            at += id.size;
            const propSize = varint(b, at, end) ?? this.bad('filter flags');
            at += propSize.size;
            if (id.value !== 0x21 || filters !== 1) {
              throw new CorruptDataError(
                `xz: filter 0x${id.value.toString(16)} (BCJ/delta) is not supported`,
              );
            }
            dictProp = b[at] as number;
            at += propSize.value;
          }
          const dictSize = lzma2DictSize(dictProp, 'xz');
          this.lzma2 = new Lzma2Chunks(dictSize, 'xz');
          inp.pos += size;
          this.state = 'chunk';
          continue;
        }
        case 'chunk': {
          const out = (this.lzma2 as Lzma2Chunks).next(inp);
          if (out === 'end') {
            this.state = 'block-end';
            continue;
          }
          return out;
        }
        case 'block-end': {
          const pad = (4 - ((this.abs() - this.blockStart) % 4)) % 4;
          if (!need(pad + checkSize(this.check))) return 'more';
          inp.pos += pad + checkSize(this.check);
          this.state = 'block-or-index';
          continue;
        }
        case 'index': {
          // Indicator, count, records, padding, CRC32: parse only to skip it.
          let at = p + 1;
          const end = b.length;
          const count = varint(b, at, end);
          if (count === undefined) {
            if (!need(avail + 1)) return 'more';
            continue;
          }
          at += count.size;
          let ok = true;
          for (let r = 0; r < count.value * 2; r++) {
            const v = varint(b, at, end);
            if (v === undefined) {
              ok = false;
              break;
            }
            at += v.size;
          }
          if (!ok) {
            if (!need(avail + 1)) return 'more';
            continue;
          }
          const len = at - p;
          const total = len + ((4 - (len % 4)) % 4) + 4;
          if (!need(total)) return 'more';
          inp.pos += total;
          this.state = 'footer';
          continue;
        }
        case 'footer':
          if (!need(12)) return 'more';
          if (b[p + 10] !== 0x59 || b[p + 11] !== 0x5a)
            throw new CorruptDataError('xz: bad stream footer');
          inp.pos += 12;
          this.state = 'padding';
          continue;
        case 'padding':
          if (avail === 0) {
            if (inp.ended) {
              this.state = 'done';
              continue;
            }
            return 'more';
          }
          if (b[p] === 0) {
            inp.pos += 1;
            continue;
          }
          this.state = 'stream-header';
          continue;
      }
    }
  }

  private bad(what: string): never {
    throw new CorruptDataError(`xz: truncated ${what}`);
  }
}
