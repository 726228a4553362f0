/**
 * A small seeded generator (splitmix32 state stepping, murmur3 finaliser output) for the
 * sketches' coin flips and sampling. Its whole state is one 32-bit number, so sketches can
 * serialise it and continue deterministically after a JSON round-trip.
 */
export class SeededRandom {
  state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A uniform unsigned 32-bit integer. */
  nextU32(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  }

  /** A uniform integer in `[0, n)` for `n <= 2^32`. */
  below(n: number): number {
    return Math.floor((this.nextU32() / 4294967296) * n);
  }

  /** A fair coin: 0 or 1. */
  bit(): number {
    return this.nextU32() >>> 31;
  }
}

/** Mixes a seed with a string and a number (e.g. a column name and a partition index). */
export function deriveSeed(seed: number, label: string, index = 0): number {
  let h = (seed ^ 0x2545f491) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  }
  h = Math.imul(h ^ index, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
