import { InputError } from '../errors/input-error.js';
import { hashBytes, hashString, hashWords } from './_hash.js';

/** Serialised form of {@link HyperLogLog}: registers as base64. */
export interface HyperLogLogJSON {
  p: number;
  registers: string;
}

export const DEFAULT_HLL_PRECISION = 12;
const SEED_INDEX = 0x5bd1e995;
const SEED_RANK = 0x1b873593;

/**
 * HyperLogLog distinct counter (Flajolet et al., 2007) with 2^p one-byte registers and Ertl's
 * improved estimator (2017), which needs no empirical bias tables and is accurate from 0 up.
 * Relative standard error ≈ 1.04 / sqrt(2^p): 1.6 % at the default p = 12 (4 KiB).
 *
 * Each value is hashed to 32 bits (numbers: murmur3's finaliser over the two words of the float64;
 * text: murmur3_32 of the UTF-8 bytes); when the bits after the register index are all zero
 * (probability 2^-(32-p)) a second, independent hash supplies the rank, so registers do not
 * saturate. Distinct values whose 32-bit hashes collide count once, which undercounts by about
 * n / 2^33 (1 % at 10^8 distinct values). Merge = register-wise max: exactly associative and
 * commutative.
 */
export class HyperLogLog {
  readonly p: number;
  readonly registers: Uint8Array;

  constructor(p = DEFAULT_HLL_PRECISION) {
    if (!Number.isInteger(p) || p < 4 || p > 18) {
      throw new InputError(`HyperLogLog precision must be an integer in [4, 18], got ${p}`);
    }
    this.p = p;
    this.registers = new Uint8Array(1 << p);
  }

  /** Relative standard error of `estimate()`. */
  get standardError(): number {
    return 1.04 / Math.sqrt(this.registers.length);
  }

  /** Adds a value identified by a 32-bit first hash and a way to get the second. */
  private addHash(h1: number, second: () => number): void {
    const p = this.p;
    const index = h1 >>> (32 - p);
    const rest = (h1 << p) | 0;
    let rank: number;
    if (rest !== 0) rank = Math.clz32(rest) + 1;
    else {
      const h2 = second();
      rank = h2 !== 0 ? 32 - p + Math.clz32(h2) + 1 : 64 - p + 1;
    }
    if (rank > this.registers[index]!) this.registers[index] = rank;
  }

  /** Adds float64 values given as their two 32-bit words (`words[2i]` low, `words[2i+1]` high). */
  addFloat64Words(words: Uint32Array, length: number): void {
    const regs = this.registers;
    const p = this.p;
    for (let i = 0; i < length; i++) addFloat64Hash(regs, p, words[2 * i]!, words[2 * i + 1]!);
  }

  /** Adds one number (NaN and ±Infinity are values too; -0 equals 0). */
  addNumber(value: number): void {
    const f = new Float64Array(1);
    f[0] = value === 0 ? 0 : value;
    this.addFloat64Words(new Uint32Array(f.buffer), 1);
  }

  /** Adds the byte string `bytes[start..end)`. */
  addBytes(bytes: Uint8Array, start: number, end: number): void {
    this.addHash(hashBytes(bytes, start, end, SEED_INDEX), () =>
      hashBytes(bytes, start, end, SEED_RANK),
    );
  }

  /** Adds a string (hashed as UTF-8, so it matches `addBytes` of the same text). */
  addString(value: string): void {
    this.addHash(hashString(value, SEED_INDEX), () => hashString(value, SEED_RANK));
  }

  /** Estimated number of distinct values added. */
  estimate(): number {
    const m = this.registers.length;
    const q = 64 - this.p;
    const counts = new Float64Array(q + 2);
    for (let i = 0; i < m; i++) counts[this.registers[i]!]!++;
    if (counts[0] === m) return 0;
    let z = m * tau(1 - counts[q + 1]! / m);
    for (let k = q; k >= 1; k--) z = 0.5 * (z + counts[k]!);
    z += m * sigma(counts[0]! / m);
    return (m * m) / (2 * Math.LN2 * z);
  }

  merge(other: HyperLogLog): this {
    if (other.p !== this.p) {
      throw new InputError(
        `cannot merge HyperLogLog sketches of precision ${this.p} and ${other.p}; profile both with the same precision`,
      );
    }
    const a = this.registers;
    const b = other.registers;
    for (let i = 0; i < a.length; i++) if (b[i]! > a[i]!) a[i] = b[i]!;
    return this;
  }

  clone(): HyperLogLog {
    const c = new HyperLogLog(this.p);
    c.registers.set(this.registers);
    return c;
  }

  toJSON(): HyperLogLogJSON {
    return { p: this.p, registers: Buffer.from(this.registers).toString('base64') };
  }

  static fromJSON(json: HyperLogLogJSON): HyperLogLog {
    const h = new HyperLogLog(json.p);
    const bytes = Buffer.from(json.registers, 'base64');
    if (bytes.length !== h.registers.length) {
      throw new InputError(
        `HyperLogLog JSON has ${bytes.length} registers, expected ${h.registers.length} for p = ${json.p}`,
      );
    }
    h.registers.set(bytes);
    return h;
  }
}

/**
 * Updates HyperLogLog registers `regs` (precision `p`) with one float64 given as its two words.
 * Small enough for V8 to inline into the column kernels' loops. -0 counts as 0.
 */
export function addFloat64Hash(regs: Uint8Array, p: number, lo: number, hi: number): void {
  if (lo === 0 && hi === 0x80000000) hi = 0;
  // murmur3's 32-bit finaliser over both words.
  let h = lo ^ Math.imul(hi, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  const index = h >>> (32 - p);
  const rest = h << p;
  let rank: number;
  if (rest !== 0) rank = Math.clz32(rest) + 1;
  else {
    const h2 = hashWords(lo, hi, SEED_RANK);
    rank = h2 !== 0 ? 32 - p + Math.clz32(h2) + 1 : 64 - p + 1;
  }
  if (rank > regs[index]!) regs[index] = rank;
}

/** σ(x) = x + Σ_{k≥1} x^(2^k) · 2^(k-1) (Ertl 2017). */
function sigma(x: number): number {
  if (x === 1) return Number.POSITIVE_INFINITY;
  let y = 1;
  let z = x;
  let prev: number;
  do {
    x *= x;
    prev = z;
    z += x * y;
    y += y;
  } while (z !== prev);
  return z;
}

/** τ(x) = (1 − x − Σ_{k≥1} (1 − x^(2^-k))² · 2^-k) / 3 (Ertl 2017). */
function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  let prev: number;
  do {
    x = Math.sqrt(x);
    prev = z;
    y *= 0.5;
    z -= (1 - x) ** 2 * y;
  } while (z !== prev);
  return z / 3;
}
