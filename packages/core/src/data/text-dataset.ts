import type { RecordBatch, Schema } from 'apache-arrow';
import { InputError } from '../errors/input-error.js';
import { checkColumns } from './_batch-utils.js';
import {
  assembleBatch,
  ColumnBuilder,
  classifyText,
  classifyValue,
  DEFAULT_NULL_VALUES,
  type InferredType,
  inferredField,
  TypeTally,
} from './_columns.js';
import { CsvParser, type CsvRecord } from './_csv-parser.js';
import { type ArrowModule, loadArrow } from './_load-arrow.js';
import { readTextChunks } from './_text-reader.js';
import { type ArrowDataset, type DatasetNote, NoteLog } from './dataset-notes.js';

export const DEFAULT_BATCH_ROWS = 65_536;
export const DEFAULT_INFER_ROWS = 10_000;

/** Options of the CSV, TSV and NDJSON readers. */
export interface TextDatasetOptions {
  /** Name used in messages and findings (default: the path). */
  source?: string;
  /** Rows per record batch (default 65,536). */
  batchRows?: number;
  /** Rows read to infer column types (default 10,000). */
  inferRows?: number;
  /** Text encoding (default strict `utf-8`; invalid bytes are an error with their line). */
  encoding?: string;
  /** CSV/TSV: field delimiter (default `,` for CSV, tab for TSV). */
  delimiter?: string;
  /** CSV/TSV: quote character, or `false` for none (default `"`). */
  quote?: string | false;
  /** CSV/TSV: whether the first record names the columns (default true). */
  header?: boolean;
  /** CSV/TSV: unquoted field values read as null (default `''`, NA, N/A, #N/A, null, NULL, None). */
  nullValues?: string[];
}

interface Inferred {
  schema: Schema;
  names: string[];
  types: InferredType[];
  /** Header width (CSV) — every record must have it. */
  width: number;
}

function positiveInt(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1)
    throw new InputError(`${name} must be a positive integer, got ${value}`);
  return v;
}

/** What every text reader starts with: Arrow, the source name, checked sizes, a note log. */
async function prepare(path: string, options: TextDatasetOptions) {
  return {
    arrow: await loadArrow(),
    source: options.source ?? path,
    batchRows: positiveInt(options.batchRows, DEFAULT_BATCH_ROWS, 'batchRows'),
    inferRows: positiveInt(options.inferRows, DEFAULT_INFER_ROWS, 'inferRows'),
    notes: new NoteLog(),
  };
}

/** Names for header cells: empty names become column_N, repeated ones get a _2, _3 … suffix. */
function columnNames(header: readonly string[], notes: NoteLog): string[] {
  const seen = new Set<string>();
  return header.map((raw, i) => {
    let name = raw === '' ? `column_${i + 1}` : raw;
    if (seen.has(name)) {
      let k = 2;
      while (seen.has(`${name}_${k}`)) k++;
      name = `${name}_${k}`;
    }
    if (name !== raw) {
      notes.add({
        kind: 'renamed-column',
        column: name,
        count: 1,
        message: `header cell ${i + 1} ${raw === '' ? 'is empty' : `repeats "${raw}"`}; the column is named "${name}"`,
      });
    }
    seen.add(name);
    return name;
  });
}

/** A dataset over a text file whose notes combine inference notes and those of the last pass. */
function textDataset(
  format: ArrowDataset['format'],
  source: string,
  schema: Schema,
  inferenceNotes: readonly DatasetNote[],
  read: (
    columns: string[],
    signal: AbortSignal | undefined,
    notes: NoteLog,
  ) => AsyncGenerator<RecordBatch>,
): ArrowDataset {
  const passNotes = new Map<string, DatasetNote[]>();
  const allNames = schema.fields.map((f) => f.name);
  return {
    schema,
    source,
    format,
    get notes(): readonly DatasetNote[] {
      return [...inferenceNotes, ...[...passNotes.values()].flat()];
    },
    async *batches(opts: { columns?: string[]; signal?: AbortSignal } = {}) {
      const columns = opts.columns ? checkColumns(schema, opts.columns, source) : allNames;
      const notes = new NoteLog();
      yield* read(columns, opts.signal, notes);
      // Only a complete pass replaces the notes of the columns it read.
      for (const c of columns) passNotes.delete(c);
      for (const note of notes.notes) {
        const key = note.column ?? '';
        passNotes.set(key, [...(passNotes.get(key) ?? []), note]);
      }
    },
  };
}

async function* csvRecords(
  path: string,
  source: string,
  options: TextDatasetOptions,
  delimiter: string,
  signal?: AbortSignal,
): AsyncGenerator<CsvRecord[]> {
  const parser = new CsvParser(source, delimiter, options.quote ?? '"');
  let out: CsvRecord[] = [];
  for await (const text of readTextChunks(path, source, { encoding: options.encoding, signal })) {
    parser.push(text, out);
    if (out.length > 0) {
      yield out;
      out = [];
    }
  }
  parser.finish(out);
  if (out.length > 0) yield out;
}

function widthError(source: string, record: CsvRecord, width: number): InputError {
  return new InputError(
    `${source}: line ${record.line}: the row has ${record.fields.length} fields, the header has ${width}`,
    { hint: 'quote fields that contain the delimiter or line breaks (RFC 4180), or fix the row' },
  );
}

/**
 * Opens a CSV or TSV file. Column types (bool, int32, float64, utf8) are inferred from the first
 * `inferRows` rows; a column mixing numbers and text is read as text with a `mixed-types` note.
 * Batches are parsed incrementally from a file stream, so the file is never held in memory.
 * Malformed rows raise an `InputError` naming the line.
 */
export async function openCsvDataset(
  path: string,
  format: 'csv' | 'tsv',
  options: TextDatasetOptions = {},
): Promise<ArrowDataset> {
  const { arrow, source, batchRows, inferRows, notes } = await prepare(path, options);
  const delimiter = options.delimiter ?? (format === 'tsv' ? '\t' : ',');
  const nullValues = new Set(options.nullValues ?? DEFAULT_NULL_VALUES);
  const header = options.header ?? true;

  // Pass 1 over a sample: header and column types.
  let names: string[] | undefined;
  let tallies: TypeTally[] = [];
  let sampled = 0;
  sampling: for await (const records of csvRecords(path, source, options, delimiter)) {
    for (const record of records) {
      if (!names) {
        names = header
          ? columnNames(record.fields, notes)
          : record.fields.map((_, i) => `column_${i + 1}`);
        tallies = names.map(() => new TypeTally());
        if (header) continue;
      }
      if (record.fields.length !== names.length) throw widthError(source, record, names.length);
      for (let c = 0; c < names.length; c++) {
        tallies[c]!.add(classifyText(record.fields[c]!, record.quoted[c]!, nullValues));
      }
      if (++sampled >= inferRows) break sampling;
    }
  }
  if (!names) {
    throw new InputError(`${source} is empty: it has no header row`, {
      hint: header ? 'a CSV file needs at least a header line' : 'the file has no rows',
    });
  }
  const types: InferredType[] = [];
  const fields = names.map((name, c) => {
    const { type, note } = tallies[c]!.decide(name);
    types.push(type);
    if (note) notes.add(note);
    return inferredField(arrow, name, type, note);
  });
  const schema = new arrow.Schema(fields);
  const inferred: Inferred = { schema, names, types, width: names.length };

  return textDataset(format, source, schema, notes.notes, (columns, signal, passNotes) =>
    readCsv(
      arrow,
      path,
      source,
      options,
      delimiter,
      header,
      inferred,
      columns,
      batchRows,
      nullValues,
      passNotes,
      signal,
    ),
  );
}

async function* readCsv(
  arrow: ArrowModule,
  path: string,
  source: string,
  options: TextDatasetOptions,
  delimiter: string,
  header: boolean,
  inferred: Inferred,
  columns: string[],
  batchRows: number,
  nullValues: ReadonlySet<string>,
  notes: NoteLog,
  signal: AbortSignal | undefined,
): AsyncGenerator<RecordBatch> {
  const indices = columns.map((c) => inferred.names.indexOf(c));
  const schema = new arrow.Schema(indices.map((i) => inferred.schema.fields[i]!));
  const builders = indices.map(
    (i) => new ColumnBuilder(inferred.names[i]!, inferred.types[i]!, notes, nullValues),
  );
  let skipHeader = header;
  for await (const records of csvRecords(path, source, options, delimiter, signal)) {
    for (const record of records) {
      if (skipHeader) {
        skipHeader = false;
        continue;
      }
      if (record.fields.length !== inferred.width) throw widthError(source, record, inferred.width);
      for (let b = 0; b < builders.length; b++) {
        const i = indices[b]!;
        builders[b]!.appendText(record.fields[i]!, record.quoted[i]!, record.line);
      }
      if (builders[0] && builders[0].rows >= batchRows)
        yield assembleBatch(arrow, schema, builders);
    }
  }
  if (builders[0] && builders[0].rows > 0) yield assembleBatch(arrow, schema, builders);
}

interface JsonLine {
  value: Record<string, unknown>;
  line: number;
}

async function* ndjsonLines(
  path: string,
  source: string,
  options: TextDatasetOptions,
  signal?: AbortSignal,
): AsyncGenerator<JsonLine[]> {
  let partial = '';
  let line = 0;
  const parse = (text: string, out: JsonLine[]): void => {
    line++;
    const trimmed = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (trimmed.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (cause) {
      throw new InputError(
        `${source}: line ${line}: not valid JSON (${(cause as Error).message})`,
        {
          cause,
          hint: 'NDJSON needs one complete JSON object per line',
        },
      );
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new InputError(
        `${source}: line ${line}: expected a JSON object, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`,
        {
          hint: 'NDJSON records are objects, one per line: {"column": value, …}',
        },
      );
    }
    out.push({ value: value as Record<string, unknown>, line });
  };
  for await (const text of readTextChunks(path, source, { encoding: options.encoding, signal })) {
    const out: JsonLine[] = [];
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      parse(partial + text.slice(start, nl), out);
      partial = '';
      start = nl + 1;
    }
    partial += text.slice(start);
    if (out.length > 0) yield out;
  }
  if (partial !== '') {
    const out: JsonLine[] = [];
    parse(partial, out);
    if (out.length > 0) yield out;
  }
}

/** Column names (in order of first appearance) and types inferred from sample objects. */
export function inferRecordColumns(
  arrow: ArrowModule,
  sample: Iterable<Record<string, unknown>>,
  notes: NoteLog,
): Inferred {
  const tallies = new Map<string, TypeTally>();
  let rows = 0;
  for (const record of sample) {
    rows++;
    for (const key of Object.keys(record)) {
      let tally = tallies.get(key);
      if (!tally) {
        tally = new TypeTally();
        // Rows before this key's first appearance lacked it: they are nulls.
        tally.counts[0] = rows - 1;
        tallies.set(key, tally);
      }
      tally.add(classifyValue(record[key]));
    }
    for (const [key, tally] of tallies) if (!(key in record)) tally.add(0);
  }
  const names = [...tallies.keys()];
  const types: InferredType[] = [];
  const fields = names.map((name) => {
    const { type, note } = tallies.get(name)!.decide(name);
    types.push(type);
    if (note) notes.add(note);
    return inferredField(arrow, name, type, note);
  });
  return { schema: new arrow.Schema(fields), names, types, width: names.length };
}

/**
 * Opens a newline-delimited JSON file (one object per line; `.ndjson`, `.jsonl`). Columns are the
 * keys seen in the first `inferRows` objects; later keys are ignored with an `unknown-key` note.
 */
export async function openNdjsonDataset(
  path: string,
  options: TextDatasetOptions = {},
): Promise<ArrowDataset> {
  const { arrow, source, batchRows, inferRows, notes } = await prepare(path, options);
  const sample: Record<string, unknown>[] = [];
  sampling: for await (const lines of ndjsonLines(path, source, options)) {
    for (const l of lines) {
      sample.push(l.value);
      if (sample.length >= inferRows) break sampling;
    }
  }
  if (sample.length === 0) {
    throw new InputError(`${source} has no JSON records`, {
      hint: 'NDJSON needs one JSON object per line',
    });
  }
  const inferred = inferRecordColumns(arrow, sample, notes);
  return textDataset('ndjson', source, inferred.schema, notes.notes, (columns, signal, passNotes) =>
    readRecords(
      arrow,
      inferred,
      columns,
      batchRows,
      passNotes,
      ndjsonLines(path, source, options, signal),
    ),
  );
}

/** Turns streamed objects into record batches of the inferred schema. */
export async function* readRecords(
  arrow: ArrowModule,
  inferred: Inferred,
  columns: string[],
  batchRows: number,
  notes: NoteLog,
  input: AsyncIterable<JsonLine[]> | Iterable<JsonLine[]>,
): AsyncGenerator<RecordBatch> {
  const indices = columns.map((c) => inferred.names.indexOf(c));
  const schema = new arrow.Schema(indices.map((i) => inferred.schema.fields[i]!));
  const known = new Set(inferred.names);
  const builders = indices.map(
    (i) => new ColumnBuilder(inferred.names[i]!, inferred.types[i]!, notes, new Set()),
  );
  let rows = 0;
  for await (const lines of input) {
    for (const { value, line } of lines) {
      for (const b of builders) b.appendValue(value[b.name], line > 0 ? line : undefined);
      for (const key in value) {
        if (!known.has(key)) {
          notes.add({
            kind: 'unknown-key',
            column: key,
            count: 1,
            ...(line > 0 ? { line } : {}),
            message: `key "${key}" did not appear in the type-inference sample; its values are ignored`,
          });
        }
      }
      rows++;
      if (rows >= batchRows) {
        rows = 0;
        yield assembleBatch(arrow, schema, builders);
      }
    }
  }
  if (rows > 0) yield assembleBatch(arrow, schema, builders);
}
