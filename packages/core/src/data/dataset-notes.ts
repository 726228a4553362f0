import type { Dataset } from '../inputs.js';

/**
 * Something a reader noticed about the data that is not an error but that checks should know:
 * a text column with mixed types read as strings, values that did not parse as the column's
 * inferred type, nested JSON kept as text, keys that appeared after type inference, …
 */
export interface DatasetNote {
  /** Stable identifier, e.g. `mixed-types`, `type-mismatch`, `unknown-key`. */
  kind:
    | 'mixed-types'
    | 'type-mismatch'
    | 'all-null'
    | 'nested-as-json'
    | 'unknown-key'
    | 'renamed-column'
    | 'converted-type'
    | 'int-precision';
  /** Column the note is about, when it is about one. */
  column?: string;
  /** Number of values (or rows) concerned so far. */
  count: number;
  /** 1-based line of the first occurrence in a text file, when known. */
  line?: number;
  /** Plain-language explanation; never contains data values. */
  message: string;
}

/** Format a dataset was read from. */
export type DatasetFormat =
  | 'arrow-file'
  | 'arrow-stream'
  | 'parquet'
  | 'csv'
  | 'tsv'
  | 'ndjson'
  | 'table'
  | 'records';

/**
 * A `Dataset` made by the data layer. `notes` grows while batches are read: it is complete once
 * a full pass over `batches()` has ended. Fields with notes also carry them in their Arrow field
 * metadata under `mlwarden.note` (known at open time, from the type-inference sample).
 */
export interface ArrowDataset extends Dataset {
  readonly format: DatasetFormat;
  readonly notes: readonly DatasetNote[];
}

/** The notes of any dataset (an empty list for datasets that do not record notes). */
export function datasetNotes(dataset: Dataset): readonly DatasetNote[] {
  const notes = (dataset as Partial<ArrowDataset>).notes;
  return Array.isArray(notes) ? notes : [];
}

/** Collects notes, merging repeated ones (same kind and column) into one with a count. */
export class NoteLog {
  readonly notes: DatasetNote[] = [];
  private readonly index = new Map<string, DatasetNote>();

  add(note: DatasetNote): void {
    const key = `${note.kind}\u0000${note.column ?? ''}`;
    const existing = this.index.get(key);
    if (existing) {
      existing.count += note.count;
      return;
    }
    const copy = { ...note };
    this.index.set(key, copy);
    this.notes.push(copy);
  }
}
