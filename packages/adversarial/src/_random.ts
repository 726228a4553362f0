/** A seeded pseudo-random generator (xorshift128+ over 32-bit halves, seeded by splitmix32). */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer uniform in [0, n). */
  int(n: number): number;
  /** Standard normal. */
  normal(): number;
  /** In-place Fisher–Yates shuffle. */
  shuffle<T>(items: T[]): T[];
}

function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** A generator whose whole sequence is fixed by `seed` (any finite number). */
export function createRandom(seed: number): Random {
  const init = splitmix32(Math.floor(seed) ^ 0x5bd1e995);
  let s0 = init() | 1;
  let s1 = init();
  let s2 = init();
  let s3 = init() | 2;
  let spare: number | undefined;
  const nextUint = (): number => {
    // xoshiro128** by Blackman and Vigna.
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };
  const random: Random = {
    next: () => nextUint() / 4294967296,
    int: (n) => Math.floor((nextUint() / 4294967296) * n),
    normal: () => {
      if (spare !== undefined) {
        const value = spare;
        spare = undefined;
        return value;
      }
      let u = 0;
      while (u === 0) u = random.next();
      const v = random.next();
      const radius = Math.sqrt(-2 * Math.log(u));
      spare = radius * Math.sin(2 * Math.PI * v);
      return radius * Math.cos(2 * Math.PI * v);
    },
    shuffle: (items) => {
      for (let i = items.length - 1; i > 0; i--) {
        const j = random.int(i + 1);
        const tmp = items[i] as (typeof items)[number];
        items[i] = items[j] as (typeof items)[number];
        items[j] = tmp;
      }
      return items;
    },
  };
  return random;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
