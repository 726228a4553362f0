import { CorruptDataError, type IncrementalDecoder, InputBuffer } from './_incremental.js';

const MAGIC = 0x184d2204;
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE = 0x184d2a50;
const BLOCK_MAX = [0, 0, 0, 0, 64 * 1024, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024];
const WINDOW = 64 * 1024;

function u32(b: Uint8Array, at: number): number {
  return (
    ((b[at] as number) | ((b[at + 1] as number) << 8) | ((b[at + 2] as number) << 16)) +
    (b[at + 3] as number) * 0x1000000
  );
}

/** Decodes one LZ4 block into `out` after `history` (the previous 64 KiB, for linked blocks). */
function decodeBlock(src: Uint8Array, history: Uint8Array, max: number): Uint8Array {
  const out = new Uint8Array(history.length + max);
  out.set(history, 0);
  let o = history.length;
  let i = 0;
  while (i < src.length) {
    const token = src[i++] as number;
    let lit = token >>> 4;
    if (lit === 15) {
      let b: number;
      do {
        if (i >= src.length) throw new CorruptDataError('lz4: truncated literal length');
        b = src[i++] as number;
        lit += b;
      } while (b === 255);
    }
    if (i + lit > src.length || o + lit > out.length)
      throw new CorruptDataError('lz4: literal run out of bounds');
    out.set(src.subarray(i, i + lit), o);
    i += lit;
    o += lit;
    if (i >= src.length) break; // last sequence has literals only
    if (i + 2 > src.length) throw new CorruptDataError('lz4: truncated match offset');
    const offset = (src[i] as number) | ((src[i + 1] as number) << 8);
    i += 2;
    if (offset === 0 || offset > o) throw new CorruptDataError('lz4: match offset out of range');
    let len = token & 15;
    if (len === 15) {
      let b: number;
      do {
        if (i >= src.length) throw new CorruptDataError('lz4: truncated match length');
        b = src[i++] as number;
        len += b;
      } while (b === 255);
    }
    len += 4;
    if (o + len > out.length) throw new CorruptDataError('lz4: match runs past the block size');
    for (let k = 0; k < len; k++, o++) out[o] = out[o - offset] as number;
  }
  return out.subarray(0, o);
}

/** LZ4 frame format (what `lz4.frame` and joblib's lz4 compressor write), incremental. */
export class Lz4FrameDecoder implements IncrementalDecoder {
  private readonly input = new InputBuffer();
  private state: 'header' | 'block' | 'done' = 'header';
  private blockMax = 0;
  private blockChecksum = false;
  private contentChecksum = false;
  private independent = true;
  private history = new Uint8Array(0);

  push(chunk: Uint8Array | null): void {
    this.input.push(chunk);
  }

  next(): Uint8Array | 'more' | 'done' {
    const inp = this.input;
    for (;;) {
      const b = inp.buf;
      const p = inp.pos;
      if (this.state === 'done') return 'done';
      if (this.state === 'header') {
        if (inp.available === 0 && inp.ended) {
          this.state = 'done';
          return 'done';
        }
        if (inp.available < 7) {
          if (inp.ended) throw new CorruptDataError('lz4: truncated frame header');
          return 'more';
        }
        const magic = u32(b, p);
        if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE) {
          if (inp.available < 8) return inp.ended ? this.fail('truncated skippable frame') : 'more';
          const size = u32(b, p + 4);
          if (inp.available < 8 + size)
            return inp.ended ? this.fail('truncated skippable frame') : 'more';
          inp.pos += 8 + size;
          continue;
        }
        if (magic !== MAGIC) throw new CorruptDataError('lz4: bad frame magic');
        const flg = b[p + 4] as number;
        const bd = b[p + 5] as number;
        if (flg >>> 6 !== 1) throw new CorruptDataError('lz4: unsupported frame version');
        const hasSize = (flg & 0x08) !== 0;
        const hasDict = (flg & 0x01) !== 0;
        const headerLen = 7 + (hasSize ? 8 : 0) + (hasDict ? 4 : 0);
        if (inp.available < headerLen)
          return inp.ended ? this.fail('truncated frame header') : 'more';
        if (hasDict)
          throw new CorruptDataError('lz4: frames with a dictionary id are not supported');
        this.independent = (flg & 0x20) !== 0;
        this.blockChecksum = (flg & 0x10) !== 0;
        this.contentChecksum = (flg & 0x04) !== 0;
        this.blockMax = BLOCK_MAX[(bd >>> 4) & 7] ?? 0;
        if (this.blockMax === 0) throw new CorruptDataError('lz4: bad block maximum size');
        this.history = new Uint8Array(0);
        inp.pos += headerLen;
        this.state = 'block';
        continue;
      }
      // block
      if (inp.available < 4) return inp.ended ? this.fail('truncated block') : 'more';
      const word = u32(b, p);
      if (word === 0) {
        inp.pos += 4 + (this.contentChecksum ? 4 : 0);
        if (inp.pos > inp.buf.length) return this.fail('truncated content checksum');
        this.state = 'header';
        continue;
      }
      const stored = (word & 0x80000000) !== 0;
      const size = word & 0x7fffffff;
      if (size > this.blockMax)
        throw new CorruptDataError('lz4: block larger than the frame allows');
      const total = 4 + size + (this.blockChecksum ? 4 : 0);
      if (inp.available < total) return inp.ended ? this.fail('truncated block') : 'more';
      const data = b.subarray(p + 4, p + 4 + size);
      inp.pos += total;
      const history = this.independent ? new Uint8Array(0) : this.history;
      let out: Uint8Array;
      if (stored) {
        out = data.slice();
      } else {
        out = decodeBlock(data, history, this.blockMax).subarray(history.length).slice();
      }
      if (!this.independent) {
        const joined = new Uint8Array(Math.min(WINDOW, history.length + out.length));
        const all = history.length + out.length;
        const from = all - joined.length;
        for (let k = 0; k < joined.length; k++) {
          const idx = from + k;
          joined[k] = (idx < history.length ? history[idx] : out[idx - history.length]) as number;
        }
        this.history = joined;
      }
      return out;
    }
  }

  private fail(what: string): never {
    throw new CorruptDataError(`lz4: ${what}`);
  }
}
