import type { RecordBatch, Schema } from 'apache-arrow';
import { InputError } from '../errors/input-error.js';
import { isArrowTable } from './_arrow-shape.js';
import { checkColumns, selectColumns } from './_batch-utils.js';
import type { ArrowDataset } from './dataset-notes.js';

/**
 * A dataset over an Arrow `Table` the caller already has, from any copy or version (>= 17) of
 * `apache-arrow` — recognised by brand or shape, never `instanceof`. Batches are the table's own
 * record batches, passed through without copying.
 */
export function datasetFromTable(table: unknown, options: { source?: string } = {}): ArrowDataset {
  if (!isArrowTable(table)) {
    throw new InputError('datasetFromTable needs an Apache Arrow Table', {
      hint: 'pass a Table made by apache-arrow (tableFromArrays, tableFromIPC, …); for plain objects use datasetFromRecords',
    });
  }
  const source = options.source ?? 'arrow-table';
  const schema = table.schema as unknown as Schema;
  const batches = table.batches as unknown as readonly RecordBatch[];
  return {
    schema,
    source,
    format: 'table',
    numRows: table.numRows,
    notes: [],
    async *batches(opts: { columns?: string[]; signal?: AbortSignal } = {}) {
      const columns = opts.columns ? checkColumns(schema, opts.columns, source) : undefined;
      for (const batch of batches) {
        opts.signal?.throwIfAborted();
        yield columns ? selectColumns(batch, columns) : batch;
      }
    },
  };
}
