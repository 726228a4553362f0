import type { RecordBatch, Schema } from 'apache-arrow';
import { InputError } from '../errors/input-error.js';
import type { SchemaLike } from './_arrow-shape.js';

/** Validates a column selection against a schema; returns it without duplicates. */
export function checkColumns(
  schema: SchemaLike,
  columns: readonly string[],
  source: string,
): string[] {
  const names = new Set(schema.fields.map((f) => f.name));
  const unknown = columns.filter((c) => !names.has(c));
  if (unknown.length > 0) {
    const available = [...names];
    const shown = available.slice(0, 20).join(', ') + (available.length > 20 ? ', …' : '');
    throw new InputError(
      `${source} has no column${unknown.length > 1 ? 's' : ''} ${unknown.map((c) => `"${c}"`).join(', ')}`,
      { hint: `available columns: ${shown}` },
    );
  }
  return [...new Set(columns)];
}

/**
 * The selected columns of a batch, in the order asked for (views of the same buffers; nothing is
 * decoded or copied). Uses `selectAt`: Arrow JS 21's `select` leaves holes for unselected columns.
 */
export function selectColumns(batch: RecordBatch, columns: readonly string[]): RecordBatch {
  const fields = batch.schema.fields;
  const indices = columns
    .map((name) => fields.findIndex((f) => f.name === name))
    .filter((i) => i >= 0);
  return batch.selectAt(indices) as RecordBatch;
}

/** Checks that every column of a batch has the batch's row count. */
export function validateBatch(batch: RecordBatch, source: string, index: number): void {
  const rows = batch.numRows;
  const children = batch.data.children;
  const fields = (batch.schema as Schema).fields;
  if (children.length !== fields.length) {
    throw new InputError(
      `${source}: record batch ${index} has ${children.length} columns but its schema has ${fields.length}`,
      { hint: 'the file is corrupt; write it again from its source' },
    );
  }
  for (let c = 0; c < children.length; c++) {
    if (children[c]!.length !== rows) {
      throw new InputError(
        `${source}: column "${fields[c]!.name}" of record batch ${index} has ${children[c]!.length} rows, the batch ${rows}`,
        { hint: 'the file is corrupt; write it again from its source' },
      );
    }
  }
}
