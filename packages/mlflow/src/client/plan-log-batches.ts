import type { MlflowMetric, MlflowParam, MlflowTag } from './mlflow-types.js';

/** What one `runs/log-batch` call may hold (MLflow's `mlflow/utils/validation.py`). */
export interface LogBatchLimits {
  metrics: number;
  params: number;
  tags: number;
  /** Metrics, params and tags together. */
  total: number;
  /** Request body in bytes; the server rejects bodies over 1 MB. */
  bodyBytes: number;
}

export const LOG_BATCH_LIMITS: Readonly<LogBatchLimits> = Object.freeze({
  metrics: 1000,
  params: 100,
  tags: 100,
  total: 1000,
  // 1e6 on the server; the margin covers the JSON envelope.
  bodyBytes: 950_000,
});

export interface LogBatch {
  metrics: MlflowMetric[];
  params: MlflowParam[];
  tags: MlflowTag[];
}

const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8') + 1;

/**
 * Splits metrics, params and tags into the fewest log-batch calls the limits allow: every call
 * but the last is filled to a limit. Params and tags go first (at most `params` and `tags` per
 * call), metrics fill the rest, and metrics keep their order across calls. A call also closes
 * early when its body would pass `bodyBytes`.
 */
export function planLogBatches(
  entries: Partial<LogBatch>,
  limits: LogBatchLimits = LOG_BATCH_LIMITS,
): LogBatch[] {
  const metrics = entries.metrics ?? [];
  const params = entries.params ?? [];
  const tags = entries.tags ?? [];
  const batches: LogBatch[] = [];
  let m = 0;
  let p = 0;
  let t = 0;
  while (m < metrics.length || p < params.length || t < tags.length) {
    const batch: LogBatch = { metrics: [], params: [], tags: [] };
    let count = 0;
    let bytes = 64;
    const fits = (entry: unknown) => {
      const size = jsonBytes(entry);
      if (count >= limits.total || (count > 0 && bytes + size > limits.bodyBytes)) return false;
      bytes += size;
      count++;
      return true;
    };
    while (p < params.length && batch.params.length < limits.params && fits(params[p])) {
      batch.params.push(params[p++] as MlflowParam);
    }
    while (t < tags.length && batch.tags.length < limits.tags && fits(tags[t])) {
      batch.tags.push(tags[t++] as MlflowTag);
    }
    while (m < metrics.length && batch.metrics.length < limits.metrics && fits(metrics[m])) {
      batch.metrics.push(metrics[m++] as MlflowMetric);
    }
    batches.push(batch);
  }
  return batches;
}

/** The fewest calls any split can use: the largest of the per-limit lower bounds. */
export function minimumLogBatchCalls(
  counts: { metrics: number; params: number; tags: number },
  limits: LogBatchLimits = LOG_BATCH_LIMITS,
): number {
  return Math.max(
    Math.ceil(counts.metrics / limits.metrics),
    Math.ceil(counts.params / limits.params),
    Math.ceil(counts.tags / limits.tags),
    Math.ceil((counts.metrics + counts.params + counts.tags) / limits.total),
  );
}
