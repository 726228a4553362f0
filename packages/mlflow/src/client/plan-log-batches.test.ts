import { describe, expect, it } from 'vitest';
import type { MlflowMetric } from './mlflow-types.js';
import { LOG_BATCH_LIMITS, minimumLogBatchCalls, planLogBatches } from './plan-log-batches.js';

const metrics = (n: number): MlflowMetric[] =>
  Array.from({ length: n }, (_, i) => ({ key: `m${i % 7}`, value: i, timestamp: 1, step: i }));
const params = (n: number, value = 'v') =>
  Array.from({ length: n }, (_, i) => ({ key: `p${i}`, value }));
const tags = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `t${i}`, value: 'x' }));

function assertWithinLimits(batches: ReturnType<typeof planLogBatches>) {
  for (const b of batches) {
    expect(b.metrics.length).toBeLessThanOrEqual(LOG_BATCH_LIMITS.metrics);
    expect(b.params.length).toBeLessThanOrEqual(LOG_BATCH_LIMITS.params);
    expect(b.tags.length).toBeLessThanOrEqual(LOG_BATCH_LIMITS.tags);
    expect(b.metrics.length + b.params.length + b.tags.length).toBeLessThanOrEqual(
      LOG_BATCH_LIMITS.total,
    );
    expect(Buffer.byteLength(JSON.stringify({ run_id: 'x'.repeat(32), ...b }))).toBeLessThan(
      1_000_000,
    );
  }
}

describe('planLogBatches', () => {
  it('splits 5,000 metrics and 250 params into 6 calls, the lower bound', () => {
    const m = metrics(5000);
    const p = params(250);
    const batches = planLogBatches({ metrics: m, params: p });
    // ceil(5250 / 1000) = 6 beats ceil(250 / 100) = 3 and ceil(5000 / 1000) = 5.
    expect(batches).toHaveLength(6);
    expect(minimumLogBatchCalls({ metrics: 5000, params: 250, tags: 0 })).toBe(6);
    assertWithinLimits(batches);
    expect(batches.flatMap((b) => b.metrics)).toEqual(m); // order kept
    expect(batches.flatMap((b) => b.params)).toEqual(p);
  });

  it('meets the lower bound for mixed shapes', () => {
    for (const [nm, np, nt] of [
      [0, 0, 1],
      [1, 0, 0],
      [999, 1, 0],
      [1000, 100, 100],
      [0, 1000, 0],
      [0, 350, 420],
      [2500, 20, 950],
      [12_345, 678, 90],
    ] as const) {
      const batches = planLogBatches({ metrics: metrics(nm), params: params(np), tags: tags(nt) });
      assertWithinLimits(batches);
      expect(batches).toHaveLength(minimumLogBatchCalls({ metrics: nm, params: np, tags: nt }));
      expect(batches.flatMap((b) => b.params)).toHaveLength(np);
      expect(batches.flatMap((b) => b.tags)).toHaveLength(nt);
    }
  });

  it('closes a call early when long values would pass the 1 MB body limit', () => {
    // 100 params of 6,000 characters and 100 tags of 8,000 are 1.4 MB together.
    const batches = planLogBatches({
      params: params(100, 'a'.repeat(6000)),
      tags: Array.from({ length: 100 }, (_, i) => ({ key: `t${i}`, value: 'b'.repeat(8000) })),
    });
    expect(batches.length).toBeGreaterThan(1);
    assertWithinLimits(batches);
  });

  it('plans nothing for nothing', () => {
    expect(planLogBatches({})).toEqual([]);
  });
});
