import type { Dataset } from '../inputs.js';
import { partitionPlanOf } from './_partitions.js';

/**
 * The file behind a dataset opened by the data layer, when it can be opened again elsewhere (a
 * worker thread reading it in parallel): today Arrow IPC files. Undefined for anything else.
 */
export function datasetFile(
  dataset: Dataset,
): { path: string; format: 'arrow-file'; source: string; numRows: number } | undefined {
  const plan = partitionPlanOf(dataset);
  if (plan === undefined || dataset.numRows === undefined) return undefined;
  return { path: plan.path, format: plan.kind, source: plan.source, numRows: dataset.numRows };
}
