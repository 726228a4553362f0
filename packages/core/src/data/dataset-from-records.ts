import type { RecordBatch } from 'apache-arrow';
import { InputError } from '../errors/input-error.js';
import { checkColumns, selectColumns } from './_batch-utils.js';
import { loadArrow } from './_load-arrow.js';
import { type ArrowDataset, type DatasetNote, NoteLog } from './dataset-notes.js';
import {
  DEFAULT_BATCH_ROWS,
  DEFAULT_INFER_ROWS,
  inferRecordColumns,
  readRecords,
} from './text-dataset.js';

export interface RecordsDatasetOptions {
  /** Name used in messages and findings (default `records`). */
  source?: string;
  /** Rows per record batch (default 65,536). */
  batchRows?: number;
  /** Records used to infer column types (default 10,000; all of them when fewer). */
  inferRows?: number;
}

/**
 * A dataset from plain objects (`[{ age: 31, city: 'Oslo' }, …]`), sync or async iterable.
 * Columns are the keys of the first `inferRows` records, typed bool, int32, float64 or utf8 as in
 * NDJSON; mixed-type keys become text with a note. The records are converted to Arrow once, when
 * the dataset is made (they are in memory already); for record streams larger than memory write
 * NDJSON and use `openDataset`.
 */
export async function datasetFromRecords(
  records: Iterable<Record<string, unknown>> | AsyncIterable<Record<string, unknown>>,
  options: RecordsDatasetOptions = {},
): Promise<ArrowDataset> {
  const arrow = await loadArrow();
  const source = options.source ?? 'records';
  const batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;
  const inferRows = options.inferRows ?? DEFAULT_INFER_ROWS;
  if (!Number.isInteger(batchRows) || batchRows < 1) {
    throw new InputError(`batchRows must be a positive integer, got ${options.batchRows}`);
  }
  const all: Record<string, unknown>[] = [];
  let index = 0;
  for await (const record of records as AsyncIterable<Record<string, unknown>>) {
    index++;
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      throw new InputError(`${source}: record ${index} is not an object`, {
        hint: 'pass objects mapping column names to values, e.g. [{ age: 31 }]',
      });
    }
    all.push(record);
  }
  const notes = new NoteLog();
  const inferred = inferRecordColumns(arrow, all.slice(0, inferRows), notes);
  const batches: RecordBatch[] = [];
  const lines = all.map((value, i) => ({ value, line: -(i + 1) }));
  for await (const batch of readRecords(arrow, inferred, inferred.names, batchRows, notes, [
    lines,
  ])) {
    batches.push(batch);
  }
  const frozenNotes: readonly DatasetNote[] = notes.notes;
  return {
    schema: inferred.schema,
    source,
    format: 'records',
    numRows: all.length,
    notes: frozenNotes,
    async *batches(opts: { columns?: string[]; signal?: AbortSignal } = {}) {
      const columns = opts.columns
        ? checkColumns(inferred.schema, opts.columns, source)
        : undefined;
      for (const batch of batches) {
        opts.signal?.throwIfAborted();
        yield columns ? selectColumns(batch, columns) : batch;
      }
    },
  };
}
