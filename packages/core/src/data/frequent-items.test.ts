import { describe, expect, it } from 'vitest';
import { SeededRandom } from './_random.js';
import { FrequentItems } from './frequent-items.js';

/** A skewed stream: value k appears about n / (k + 1)^1.2 times, shuffled. */
function zipf(n: number, seed: number): Float64Array {
  const rng = new SeededRandom(seed);
  const weights = Array.from({ length: 5000 }, (_, k) => 1 / (k + 1) ** 1.2);
  const total = weights.reduce((a, b) => a + b, 0);
  const cdf: number[] = [];
  let acc = 0;
  for (const w of weights) {
    acc += w / total;
    cdf.push(acc);
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = rng.nextU32() / 4294967296;
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    out[i] = lo;
  }
  return out;
}

function exactCounts(values: Float64Array): Map<number, number> {
  const m = new Map<number, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return m;
}

function add(f: FrequentItems, values: Float64Array): void {
  f.addNumbers(
    values,
    new Uint32Array(values.buffer, values.byteOffset, values.length * 2),
    values.length,
  );
}

function checkBounds(f: FrequentItems, exact: Map<number, number>, n: number): void {
  expect(f.n).toBe(n);
  expect(f.maxError).toBeLessThanOrEqual((2 * n) / f.capacity);
  for (const [value, count] of exact) {
    const lower = f.count(value);
    expect(lower).toBeLessThanOrEqual(count);
    expect(count).toBeLessThanOrEqual(lower + f.maxError);
  }
}

describe('FrequentItems', () => {
  it('counts exactly while the distinct values fit', () => {
    const f = new FrequentItems(64);
    const values = Float64Array.from({ length: 10_000 }, (_, i) => i % 50);
    add(f, values);
    expect(f.maxError).toBe(0);
    expect(f.top(3)).toEqual([
      { value: 0, count: 200, error: 0 },
      { value: 1, count: 200, error: 0 },
      { value: 2, count: 200, error: 0 },
    ]);
  });

  it('keeps every true count in [count, count + offset] with offset <= 2n / capacity', () => {
    const values = zipf(200_000, 3);
    const f = new FrequentItems(128);
    add(f, values);
    checkBounds(f, exactCounts(values), values.length);
    expect(f.top(1)[0]!.value).toBe(0);
  });

  it('keeps the bound after merging partitions in any grouping', () => {
    const values = zipf(200_000, 4);
    const parts = [0, 1, 2, 3].map((p) => {
      const f = new FrequentItems(128);
      add(f, values.subarray(p * 50_000, (p + 1) * 50_000));
      return f;
    });
    const left = parts.slice(1).reduce((acc, p) => acc.merge(p), parts[0]!.clone());
    const right = parts[0]!
      .clone()
      .merge(parts[1]!.clone().merge(parts[2]!.clone().merge(parts[3]!)));
    const exact = exactCounts(values);
    checkBounds(left, exact, values.length);
    checkBounds(right, exact, values.length);
  });

  it('handles weighted strings and booleans and all-distinct streams', () => {
    const f = new FrequentItems(4);
    f.add('a', 10);
    f.add(true, 3);
    f.add('b', 1);
    expect(f.count('a')).toBe(10);
    const distinct = new FrequentItems(16);
    add(
      distinct,
      Float64Array.from({ length: 10_000 }, (_, i) => i + 0.5),
    );
    expect(distinct.size).toBeLessThanOrEqual(16);
    expect(distinct.maxError).toBeLessThanOrEqual((2 * 10_000) / 16);
  });

  it('round-trips through JSON exactly', () => {
    const f = new FrequentItems(32);
    add(f, zipf(5000, 9));
    f.add('x', 2);
    const back = FrequentItems.fromJSON(JSON.parse(JSON.stringify(f)));
    expect(back.toJSON()).toEqual(f.toJSON());
  });
});
