/**
 * murmur3 (x86, 32-bit) of 8 bytes given as two little-endian words, and of a byte range.
 * The distinct-count sketch uses one hash per value and a second (with another seed) only in the
 * rare case the first runs out of bits, which gives it 64 - p usable bits at the cost of one hash.
 */
const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function mixK(k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

function mixH(h: number, k: number): number {
  h ^= mixK(k);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function fmix(h: number, length: number): number {
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function hashWords(lo: number, hi: number, seed: number): number {
  return fmix(mixH(mixH(seed, lo), hi), 8);
}

export function hashBytes(bytes: Uint8Array, start: number, end: number, seed: number): number {
  let h = seed | 0;
  let i = start;
  const whole = start + ((end - start) & ~3);
  for (; i < whole; i += 4) {
    h = mixH(h, bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
  }
  const tail = end - i;
  if (tail > 0) {
    let k = bytes[i]!;
    if (tail > 1) k ^= bytes[i + 1]! << 8;
    if (tail > 2) k ^= bytes[i + 2]! << 16;
    h ^= mixK(k);
  }
  return fmix(h, end - start);
}

const encoder = new TextEncoder();

export function hashString(value: string, seed: number): number {
  const bytes = encoder.encode(value);
  return hashBytes(bytes, 0, bytes.length, seed);
}
