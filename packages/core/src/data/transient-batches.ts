import type { Dataset } from '../inputs.js';
import { arrowFileBatches } from './_arrow-file-batches.js';
import type { RecordBatchLike } from './_arrow-shape.js';
import { checkColumns } from './_batch-utils.js';
import { partitionPlanOf } from './_partitions.js';

/**
 * The record batches of a dataset for a single pass that copies or reduces what it needs and keeps
 * nothing: **each batch is valid only until the next one is requested**. Arrow IPC files are then
 * read into two reused buffers, the next batch while the caller works on this one, instead of a
 * fresh allocation per batch (which on multi-gigabyte files costs page faults and garbage
 * collection); other datasets yield their ordinary batches. Columns come in schema order.
 */
export async function* transientBatches(
  dataset: Dataset,
  options: { columns?: string[]; signal?: AbortSignal } = {},
): AsyncGenerator<RecordBatchLike> {
  const plan = partitionPlanOf(dataset);
  if (plan === undefined) {
    yield* dataset.batches(options) as AsyncIterable<RecordBatchLike>;
    return;
  }
  const columns = options.columns
    ? checkColumns(dataset.schema, options.columns, dataset.source)
    : undefined;
  yield* arrowFileBatches(
    {
      path: plan.path,
      source: plan.source,
      size: plan.size,
      mtimeMs: plan.mtimeMs,
      start: 0,
      end: plan.batchCount,
      ...(columns && { columns }),
    },
    { blocking: false, ...(options.signal && { signal: options.signal }) },
  ) as AsyncIterable<RecordBatchLike>;
}
