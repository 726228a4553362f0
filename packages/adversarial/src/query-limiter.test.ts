import { describe, expect, it, vi } from 'vitest';
import { createFunctionTarget } from './function-target.js';
import { QueryBudgetError } from './query-budget-error.js';
import { limitQueries } from './query-limiter.js';

function slowTarget(log: { active: number; peak: number; rows: number[] }) {
  return createFunctionTarget({
    inputSpec: { shape: [2] },
    async predict(x, n) {
      log.active++;
      log.peak = Math.max(log.peak, log.active);
      log.rows.push(n);
      await new Promise((resolve) => setTimeout(resolve, 5));
      log.active--;
      const probabilities = new Float32Array(n * 2);
      for (let i = 0; i < n; i++) {
        const p = (x[i * 2] as number) > 0 ? 0.9 : 0.1;
        probabilities[i * 2] = 1 - p;
        probabilities[i * 2 + 1] = p;
      }
      return { probabilities };
    },
  });
}

describe('limitQueries', () => {
  it('never lets concurrent callers exceed the budget, refusing whole calls', async () => {
    const log = { active: 0, peak: 0, rows: [] as number[] };
    const target = limitQueries(slowTarget(log), { budget: 10, concurrency: 2 });
    const calls = Array.from({ length: 8 }, () => target.predict(new Float32Array(6), 3));
    const settled = await Promise.allSettled(calls);
    const ok = settled.filter((s) => s.status === 'fulfilled').length;
    expect(ok).toBe(3);
    for (const s of settled) {
      if (s.status === 'rejected') expect(QueryBudgetError.is(s.reason)).toBe(true);
    }
    expect(target.queries.used).toBe(9);
    expect(target.queries.remaining).toBe(1);
    expect(log.rows.reduce((a, b) => a + b, 0)).toBe(9);
    expect(log.peak).toBeLessThanOrEqual(2);
    await expect(target.predict(new Float32Array(4), 2)).rejects.toMatchObject({
      code: 'MLW_QUERY_BUDGET_EXHAUSTED',
      budget: 10,
      used: 9,
      requested: 2,
    });
    expect((await target.predict(new Float32Array(2), 1)).labels).toEqual(new Int32Array([0]));
    expect(target.queries.used).toBe(10);
  });

  it('caps requests in flight and splits large calls, keeping row order', async () => {
    const log = { active: 0, peak: 0, rows: [] as number[] };
    const target = limitQueries(slowTarget(log), { concurrency: 3, maxBatchSize: 4 });
    const x = new Float32Array(22);
    for (let i = 0; i < 11; i++) x[i * 2] = i % 3 === 0 ? 1 : -1;
    const out = await target.predict(x, 11);
    expect(log.rows).toEqual([4, 4, 3]);
    expect(Array.from(out.labels)).toEqual(
      Array.from({ length: 11 }, (_, i) => (i % 3 === 0 ? 1 : 0)),
    );
    expect(out.probabilities?.length).toBe(22);
    await Promise.all(Array.from({ length: 10 }, () => target.predict(new Float32Array(2), 1)));
    expect(log.peak).toBe(3);
    expect(target.queries.peakConcurrency).toBe(3);
    expect(target.queries.requests).toBe(13);
  });

  it('spaces request starts by the rate limit', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'performance'] });
    try {
      const started: number[] = [];
      const target = limitQueries(
        createFunctionTarget({
          inputSpec: { shape: [1] },
          predict: (_x, n) => {
            started.push(performance.now());
            return { labels: new Int32Array(n) };
          },
        }),
        { requestsPerSecond: 10, concurrency: 10 },
      );
      const calls = Array.from({ length: 4 }, () => target.predict(new Float32Array(1), 1));
      await vi.advanceTimersByTimeAsync(0);
      expect(started.length).toBe(1);
      await vi.advanceTimersByTimeAsync(100);
      expect(started.length).toBe(2);
      await vi.advanceTimersByTimeAsync(200);
      await Promise.all(calls);
      expect(started.length).toBe(4);
      const gaps = started.slice(1).map((t, i) => t - (started[i] as number));
      for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(100);
    } finally {
      vi.useRealTimers();
    }
  });

  it('rejects impossible limits with a ConfigError', () => {
    const target = slowTarget({ active: 0, peak: 0, rows: [] });
    expect(() => limitQueries(target, { concurrency: 0 })).toThrow(/concurrency/);
    expect(() => limitQueries(target, { budget: -1 })).toThrow(/budget/);
  });
});
