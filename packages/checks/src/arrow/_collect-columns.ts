import { type Dataset, InputError, transientBatches } from '@mlwarden/core';
import type { Data, RecordBatch } from 'apache-arrow';
import { CategoryCounter } from './_category-counter.js';
import { NumericColumn } from './_numeric-column.js';

export interface CollectedColumns {
  rows: number;
  numeric: Map<string, NumericColumn>;
  categorical: Map<string, CategoryCounter>;
  /** Set when `maxRows` stopped the read early. */
  truncated: boolean;
}

export interface CollectOptions {
  numeric: readonly string[];
  categorical: readonly string[];
  maxRows: number;
  signal: AbortSignal;
  onBatch?: (rows: number) => void;
  /** Collect numeric values into SharedArrayBuffers (for worker threads) when the row count is known. */
  shared?: boolean;
}

/** The chunk of column `name` in a batch, looked up by name (batches may be projected). */
export function childData(batch: RecordBatch, name: string): Data | undefined {
  const index = batch.schema.fields.findIndex((f) => f.name === name);
  return index < 0 ? undefined : (batch.data.children[index] as Data | undefined);
}

/**
 * Reads the named columns of a dataset in one pass: numeric columns into Float64Arrays of their
 * finite values, categorical columns into category counts.
 */
export async function collectColumns(
  dataset: Dataset,
  options: CollectOptions,
): Promise<CollectedColumns> {
  const expected =
    dataset.numRows === undefined ? undefined : Math.min(dataset.numRows, options.maxRows);
  const numeric = new Map(
    options.numeric.map((name) => [name, new NumericColumn(expected, options.shared)]),
  );
  const categorical = new Map(options.categorical.map((name) => [name, new CategoryCounter()]));
  const columns = [...options.numeric, ...options.categorical];
  let rows = 0;
  let truncated = false;
  // Values are copied out of each batch, so a whole-file read can use transient batches (reused
  // buffers, read ahead); a read that may stop early slices batches, which needs real ones.
  const whole = dataset.numRows !== undefined && dataset.numRows <= options.maxRows;
  const batches = whole
    ? (transientBatches(dataset, { columns, signal: options.signal }) as AsyncIterable<RecordBatch>)
    : dataset.batches({ columns, signal: options.signal });
  for await (let batch of batches) {
    options.signal.throwIfAborted();
    if (rows + batch.numRows > options.maxRows) {
      batch = batch.slice(0, options.maxRows - rows);
      truncated = true;
    }
    for (const [name, column] of numeric) {
      const data = childData(batch, name);
      if (data === undefined) throw missingInBatch(dataset, name);
      column.append(data);
    }
    for (const [name, counter] of categorical) {
      const data = childData(batch, name);
      if (data === undefined) throw missingInBatch(dataset, name);
      counter.append(data);
    }
    rows += batch.numRows;
    options.onBatch?.(rows);
    if (truncated) break;
  }
  return { rows, numeric, categorical, truncated };
}

function missingInBatch(dataset: Dataset, name: string): Error {
  return new InputError(
    `${dataset.source}: a record batch has no column "${name}" although the schema lists it`,
    { hint: 'every record batch of a dataset must have the columns of its schema' },
  );
}
