import type { Dataset } from '@mlwarden/core';
import type { RecordBatch, Table } from 'apache-arrow';

/**
 * Test helper: a Dataset over an in-memory Arrow table, re-cut into batches of `batchRows` rows
 * (as slices, so that chunk offsets are exercised). The data layer's `datasetFromTable` will
 * replace it.
 */
export function testDataset(
  table: Table,
  options: { source?: string; batchRows?: number; numRows?: boolean } = {},
): Dataset {
  const batchRows = options.batchRows ?? 1000;
  return {
    schema: table.schema,
    source: options.source ?? 'memory://test',
    ...(options.numRows !== false && { numRows: table.numRows }),
    async *batches(opts: { columns?: string[]; signal?: AbortSignal } = {}) {
      for (const batch of table.batches) {
        for (let start = 0; start < batch.numRows; start += batchRows) {
          opts.signal?.throwIfAborted();
          const slice: RecordBatch = batch.slice(start, Math.min(batch.numRows, start + batchRows));
          yield opts.columns ? slice.select(opts.columns) : slice;
        }
      }
    },
  };
}
