import type { RunInfo } from '@mlwarden/core';
import type { MlflowRun } from '../client/mlflow-types.js';
import { toRecord } from '../client/mlflow-types.js';
import type { MlflowInputContext } from './mlflow-context.js';

/** A core RunInfo for an MLflow run (latest metric values), carrying the MLflow context. */
export function toRunInfo(
  run: MlflowRun,
  context?: MlflowInputContext,
): RunInfo & { readonly mlflow?: MlflowInputContext } {
  const metrics: Record<string, number> = Object.create(null);
  for (const m of run.data?.metrics ?? []) metrics[m.key] = m.value;
  return {
    source: `mlflow-run:${run.info.run_id}`,
    id: run.info.run_id,
    ...(run.info.run_name !== undefined && { name: run.info.run_name }),
    params: toRecord(run.data?.params),
    tags: toRecord(run.data?.tags),
    metrics,
    ...(context !== undefined && { mlflow: context }),
  };
}
