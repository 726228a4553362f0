import { CorruptDataError, type IncrementalDecoder, InputBuffer } from './_incremental.js';

/*
 * bzip2 decoding, written from the format's description: Huffman + MTF + RLE2 stages, inverse
 * Burrows–Wheeler transform, RLE1. Incremental at block granularity (a block is at most 900 kB
 * before compression); output is returned in chunks of at most OUT_CHUNK bytes.
 */

const OUT_CHUNK = 1024 * 1024;
const MAX_GROUPS = 6;
const MAX_SELECTORS = 18002;
const MAX_CODE_LEN = 20;

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    t[i] = c >>> 0;
  }
  return t;
})();

interface Huffman {
  minLen: number;
  limit: Int32Array;
  base: Int32Array;
  perm: Int32Array;
}

function buildHuffman(lengths: Uint8Array, alphaSize: number): Huffman {
  let minLen = 32;
  let maxLen = 0;
  for (let i = 0; i < alphaSize; i++) {
    const l = lengths[i] as number;
    if (l > maxLen) maxLen = l;
    if (l < minLen) minLen = l;
  }
  const perm = new Int32Array(alphaSize);
  let pp = 0;
  for (let l = minLen; l <= maxLen; l++) {
    for (let j = 0; j < alphaSize; j++) if (lengths[j] === l) perm[pp++] = j;
  }
  const base = new Int32Array(MAX_CODE_LEN + 3);
  for (let i = 0; i < alphaSize; i++) {
    const k = (lengths[i] as number) + 1;
    base[k] = (base[k] as number) + 1;
  }
  for (let i = 1; i < base.length; i++) base[i] = (base[i] as number) + (base[i - 1] as number);
  const limit = new Int32Array(MAX_CODE_LEN + 2).fill(-1);
  let vec = 0;
  for (let i = minLen; i <= maxLen; i++) {
    vec += (base[i + 1] as number) - (base[i] as number);
    limit[i] = vec - 1;
    vec <<= 1;
  }
  for (let i = minLen + 1; i <= maxLen; i++)
    base[i] = (((limit[i - 1] as number) + 1) << 1) - (base[i] as number);
  return { minLen, limit, base, perm };
}

export class Bzip2Decoder implements IncrementalDecoder {
  private readonly input = new InputBuffer();
  private bitBuf = 0;
  private bitCount = 0;
  private level = 0;
  private state: 'stream-header' | 'block' | 'output' | 'done' = 'stream-header';
  private tt = new Uint32Array(0);
  // output state of the current block
  private tPos = 0;
  private left = 0;
  private last = -1;
  private run = 0;
  private blockCrc = 0;
  private crc = 0;
  private streams = 0;

  push(chunk: Uint8Array | null): void {
    this.input.push(chunk);
  }

  private bits(n: number): number {
    const inp = this.input;
    while (this.bitCount < n) {
      if (inp.pos >= inp.buf.length)
        throw new CorruptDataError('bzip2: compressed data ends early');
      this.bitBuf = ((this.bitBuf << 8) | (inp.buf[inp.pos++] as number)) >>> 0;
      this.bitCount += 8;
    }
    const v = (this.bitBuf >>> (this.bitCount - n)) & ((1 << n) - 1);
    this.bitCount -= n;
    this.bitBuf &= (1 << this.bitCount) - 1;
    return v;
  }

  private bit(): number {
    return this.bits(1);
  }

  next(): Uint8Array | 'more' | 'done' {
    const inp = this.input;
    for (;;) {
      switch (this.state) {
        case 'done':
          return 'done';
        case 'stream-header': {
          if (inp.available === 0 && inp.ended && this.streams > 0 && this.bitCount < 8) {
            this.state = 'done';
            continue;
          }
          if (inp.available < 4) {
            if (inp.ended) {
              if (this.streams > 0) {
                this.state = 'done';
                continue;
              }
              throw new CorruptDataError('bzip2: truncated header');
            }
            return 'more';
          }
          const b = inp.buf;
          const p = inp.pos;
          if (b[p] !== 0x42 || b[p + 1] !== 0x5a || b[p + 2] !== 0x68) {
            if (this.streams > 0) {
              this.state = 'done';
              continue;
            }
            throw new CorruptDataError('bzip2: bad magic');
          }
          const level = (b[p + 3] as number) - 0x30;
          if (level < 1 || level > 9) throw new CorruptDataError('bzip2: bad block size');
          this.level = level;
          if (this.tt.length < level * 100000) this.tt = new Uint32Array(level * 100000);
          inp.pos += 4;
          this.bitBuf = 0;
          this.bitCount = 0;
          this.streams++;
          this.state = 'block';
          continue;
        }
        case 'block': {
          const want = Math.ceil(this.level * 100000 * 1.25) + 8192;
          if (inp.available < want && !inp.ended) return 'more';
          const hi = this.bits(24);
          const lo = this.bits(24);
          if (hi === 0x177245 && lo === 0x385090) {
            this.bits(16);
            this.bits(16);
            this.bitBuf = 0;
            this.bitCount = 0; // streams end on a byte boundary
            this.state = 'stream-header';
            continue;
          }
          if (hi !== 0x314159 || lo !== 0x265359)
            throw new CorruptDataError('bzip2: bad block magic');
          this.decodeBlock();
          this.state = 'output';
          continue;
        }
        case 'output': {
          const out = this.emit();
          if (this.left === 0 && this.run < 5) {
            if ((this.crc ^ 0xffffffff) >>> 0 !== this.blockCrc)
              throw new CorruptDataError('bzip2: block CRC mismatch');
            this.state = 'block';
          }
          if (out.length > 0) return out;
          continue;
        }
      }
    }
  }

  private decodeBlock(): void {
    this.blockCrc = ((this.bits(16) << 16) | this.bits(16)) >>> 0;
    if (this.bit() !== 0) throw new CorruptDataError('bzip2: randomised blocks are not supported');
    const origPtr = this.bits(24);
    const used = this.bits(16);
    const seqToUnseq = new Uint8Array(256);
    let nInUse = 0;
    for (let i = 0; i < 16; i++) {
      if ((used & (0x8000 >>> i)) === 0) continue;
      const bitsI = this.bits(16);
      for (let j = 0; j < 16; j++)
        if ((bitsI & (0x8000 >>> j)) !== 0) seqToUnseq[nInUse++] = i * 16 + j;
    }
    if (nInUse === 0) throw new CorruptDataError('bzip2: no symbols in use');
    const alphaSize = nInUse + 2;
    const nGroups = this.bits(3);
    if (nGroups < 2 || nGroups > MAX_GROUPS)
      throw new CorruptDataError('bzip2: bad number of Huffman groups');
    const nSelectors = this.bits(15);
    if (nSelectors < 1) throw new CorruptDataError('bzip2: no selectors');
    const mtfGroups = Array.from({ length: nGroups }, (_, i) => i);
    const selectors = new Uint8Array(Math.min(nSelectors, MAX_SELECTORS));
    for (let i = 0; i < nSelectors; i++) {
      let j = 0;
      while (this.bit() === 1) {
        j++;
        if (j >= nGroups) throw new CorruptDataError('bzip2: bad selector');
      }
      const v = mtfGroups[j] as number;
      mtfGroups.splice(j, 1);
      mtfGroups.unshift(v);
      if (i < MAX_SELECTORS) selectors[i] = v;
    }
    const tables: Huffman[] = [];
    const lengths = new Uint8Array(alphaSize);
    for (let t = 0; t < nGroups; t++) {
      let curr = this.bits(5);
      for (let i = 0; i < alphaSize; i++) {
        for (;;) {
          if (curr < 1 || curr > MAX_CODE_LEN) throw new CorruptDataError('bzip2: bad code length');
          if (this.bit() === 0) break;
          curr += this.bit() === 0 ? 1 : -1;
        }
        lengths[i] = curr;
      }
      tables.push(buildHuffman(lengths, alphaSize));
    }
    const tt = this.tt;
    const max = this.level * 100000;
    const counts = new Int32Array(256);
    const mtf = new Uint8Array(256);
    for (let i = 0; i < 256; i++) mtf[i] = i;
    const eob = nInUse + 1;
    let groupNo = -1;
    let groupPos = 0;
    let table = tables[0] as Huffman;
    let n = 0;
    const nextSym = (): number => {
      if (groupPos === 0) {
        groupNo++;
        if (groupNo >= selectors.length) throw new CorruptDataError('bzip2: ran out of selectors');
        groupPos = 50;
        table = tables[selectors[groupNo] as number] as Huffman;
      }
      groupPos--;
      let zn = table.minLen;
      let zvec = this.bits(zn);
      while (zvec > (table.limit[zn] as number)) {
        zn++;
        if (zn > MAX_CODE_LEN) throw new CorruptDataError('bzip2: bad Huffman code');
        zvec = (zvec << 1) | this.bit();
      }
      const idx = zvec - (table.base[zn] as number);
      if (idx < 0 || idx >= table.perm.length)
        throw new CorruptDataError('bzip2: bad Huffman code');
      return table.perm[idx] as number;
    };
    let sym = nextSym();
    for (;;) {
      if (sym === eob) break;
      if (sym <= 1) {
        let es = 0;
        let weight = 1;
        do {
          es += (sym + 1) * weight;
          weight *= 2;
          if (weight > 2 * 1024 * 1024) throw new CorruptDataError('bzip2: run too long');
          sym = nextSym();
        } while (sym <= 1);
        const uc = seqToUnseq[mtf[0] as number] as number;
        if (n + es > max) throw new CorruptDataError('bzip2: block larger than declared');
        counts[uc] = (counts[uc] as number) + es;
        tt.fill(uc, n, n + es);
        n += es;
        continue;
      }
      const idx = sym - 1;
      if (idx >= nInUse) throw new CorruptDataError('bzip2: bad MTF index');
      const v = mtf[idx] as number;
      mtf.copyWithin(1, 0, idx);
      mtf[0] = v;
      const uc = seqToUnseq[v] as number;
      if (n >= max) throw new CorruptDataError('bzip2: block larger than declared');
      counts[uc] = (counts[uc] as number) + 1;
      tt[n++] = uc;
      sym = nextSym();
    }
    if (origPtr >= n) throw new CorruptDataError('bzip2: bad BWT origin');
    const cftab = new Int32Array(257);
    for (let i = 0; i < 256; i++) cftab[i + 1] = (cftab[i] as number) + (counts[i] as number);
    for (let i = 0; i < n; i++) {
      const uc = (tt[i] as number) & 0xff;
      const at = cftab[uc] as number;
      tt[at] = ((tt[at] as number) | (i << 8)) >>> 0;
      cftab[uc] = at + 1;
    }
    this.tPos = (tt[origPtr] as number) >>> 8;
    this.left = n;
    this.last = -1;
    this.run = 0;
    this.crc = 0xffffffff;
  }

  /** Inverse BWT walk plus RLE1, up to one output chunk. */
  private emit(): Uint8Array {
    const out = new Uint8Array(OUT_CHUNK);
    let o = 0;
    const tt = this.tt;
    let crc = this.crc;
    const put = (b: number) => {
      out[o++] = b;
      crc = ((crc << 8) ^ (CRC_TABLE[((crc >>> 24) ^ b) & 0xff] as number)) >>> 0;
    };
    while (o < OUT_CHUNK - 256) {
      if (this.run >= 5) {
        // pending repeat count (stored as run = 5 + count)
        let count = this.run - 5;
        while (count > 0 && o < OUT_CHUNK) {
          put(this.last);
          count--;
        }
        this.run = count > 0 ? 5 + count : 0;
        if (count > 0) break;
        continue;
      }
      if (this.left === 0) break;
      const entry = tt[this.tPos] as number;
      const ch = entry & 0xff;
      this.tPos = entry >>> 8;
      this.left--;
      if (this.run === 4) {
        this.run = 5 + ch;
        continue;
      }
      if (ch === this.last) this.run++;
      else {
        this.last = ch;
        this.run = 1;
      }
      put(ch);
    }
    this.crc = crc;
    return out.subarray(0, o);
  }
}
