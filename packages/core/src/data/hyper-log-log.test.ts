import { describe, expect, it } from 'vitest';
import { HyperLogLog } from './hyper-log-log.js';

function addRange(h: HyperLogLog, from: number, to: number): void {
  const chunk = new Float64Array(4096);
  const words = new Uint32Array(chunk.buffer);
  for (let start = from; start < to; start += chunk.length) {
    const n = Math.min(chunk.length, to - start);
    for (let i = 0; i < n; i++) chunk[i] = (start + i) * 0.37 + 1;
    h.addFloat64Words(words, n);
  }
}

describe('HyperLogLog', () => {
  it('has the documented standard error', () => {
    expect(new HyperLogLog(12).standardError).toBeCloseTo(1.04 / 64, 6);
    expect(new HyperLogLog(14).standardError).toBeCloseTo(1.04 / 128, 6);
  });

  it.each([0, 1, 10, 100, 1_000, 10_000, 100_000, 1_000_000])(
    'estimates %i distinct values within 3 standard errors',
    (n) => {
      const h = new HyperLogLog(12);
      addRange(h, 0, n);
      addRange(h, 0, n); // repeats do not count
      const estimate = h.estimate();
      if (n === 0) expect(estimate).toBe(0);
      else expect(Math.abs(estimate - n) / n).toBeLessThanOrEqual(3 * h.standardError);
    },
  );

  it('is nearly exact for small cardinalities', () => {
    const h = new HyperLogLog();
    for (let i = 0; i < 50; i++) h.addString(`cat_${i}`);
    expect(Math.round(h.estimate())).toBe(50);
  });

  it('merges as a union, exactly and in any order', () => {
    const a = new HyperLogLog();
    const b = new HyperLogLog();
    const c = new HyperLogLog();
    addRange(a, 0, 50_000);
    addRange(b, 25_000, 75_000);
    addRange(c, 60_000, 90_000);
    const all = new HyperLogLog();
    addRange(all, 0, 90_000);
    const left = a.clone().merge(b).merge(c);
    const right = c.clone().merge(b.clone().merge(a));
    expect(left.registers).toEqual(all.registers);
    expect(right.registers).toEqual(all.registers);
  });

  it('counts -0 and 0 once and treats text and bytes alike', () => {
    const h = new HyperLogLog();
    h.addNumber(0);
    h.addNumber(-0);
    expect(Math.round(h.estimate())).toBe(1);
    const s = new HyperLogLog();
    s.addString('é');
    const bytes = new TextEncoder().encode('xé');
    s.addBytes(bytes, 1, bytes.length);
    expect(Math.round(s.estimate())).toBe(1);
  });

  it('round-trips through JSON and refuses to merge other precisions', () => {
    const h = new HyperLogLog();
    addRange(h, 0, 1000);
    const back = HyperLogLog.fromJSON(JSON.parse(JSON.stringify(h)));
    expect(back.registers).toEqual(h.registers);
    expect(() => h.merge(new HyperLogLog(10))).toThrow(/precision 12 and 10/);
    expect(() => HyperLogLog.fromJSON({ p: 12, registers: 'AAAA' })).toThrow(/registers/);
  });
});
