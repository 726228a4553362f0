import { open } from 'node:fs/promises';
import type { Data, DataType, Field, RecordBatch, Schema } from 'apache-arrow';
import { InputError } from '../errors/input-error.js';
import { MlwardenError } from '../errors/mlwarden-error.js';
import { OptionalDependencyError } from '../errors/optional-dependency-error.js';
import type { NumericArray } from './_arrow-shape.js';
import { checkColumns } from './_batch-utils.js';
import { type ArrowModule, loadArrow } from './_load-arrow.js';
import { type ArrowDataset, type DatasetNote, NoteLog } from './dataset-notes.js';
import { DEFAULT_BATCH_ROWS } from './text-dataset.js';

/** The parts of `@duckdb/node-api` this reader uses (kept structural: it is optional). */
interface DuckVector {
  getItem(index: number): unknown;
}
interface DuckChunk {
  readonly rowCount: number;
  /** The C API chunk (public on `DuckDBDataChunk`), for raw buffer access. */
  readonly chunk?: unknown;
  getColumnVector(index: number): DuckVector;
}
/** `@duckdb/node-bindings`: DuckDB's C API, which `@duckdb/node-api` is built on. */
interface DuckBindings {
  data_chunk_get_vector(chunk: unknown, column: number): unknown;
  vector_get_data(vector: unknown, byteCount: number): Uint8Array;
  vector_get_validity(vector: unknown, byteCount: number): Uint8Array | null;
  get_data_from_pointer(buffer: ArrayBuffer, pointerOffset: number, byteCount: number): Uint8Array;
}
interface DuckResult {
  columnNames(): string[];
  columnTypes(): { typeId: number; toString(): string }[];
  fetchChunk(): Promise<DuckChunk | null>;
}
interface DuckConnection {
  stream(sql: string): Promise<DuckResult>;
  closeSync?(): void;
  disconnectSync?(): void;
}
interface DuckInstance {
  connect(): Promise<DuckConnection>;
  closeSync?(): void;
}
interface DuckModule {
  DuckDBInstance: { create(path: string, options?: Record<string, string>): Promise<DuckInstance> };
}

async function loadBindings(): Promise<DuckBindings | undefined> {
  try {
    const name = '@duckdb/node-bindings';
    const mod = (await import(name)) as { default?: DuckBindings } & Partial<DuckBindings>;
    const bindings = (mod.default ?? mod) as DuckBindings;
    return typeof bindings.vector_get_data === 'function' ? bindings : undefined;
  } catch {
    return undefined;
  }
}

async function loadDuckDB(source: string): Promise<DuckModule> {
  try {
    const name = '@duckdb/node-api';
    return (await import(name)) as DuckModule;
  } catch (cause) {
    throw new OptionalDependencyError('@duckdb/node-api', `reading Parquet (${source})`, cause);
  }
}

/** DuckDB type ids (from `DuckDBTypeId`) this reader maps to Arrow types. */
const Duck = {
  BOOLEAN: 1,
  TINYINT: 2,
  SMALLINT: 3,
  INTEGER: 4,
  BIGINT: 5,
  UTINYINT: 6,
  USMALLINT: 7,
  UINTEGER: 8,
  UBIGINT: 9,
  FLOAT: 10,
  DOUBLE: 11,
  TIMESTAMP: 12,
  DATE: 13,
  VARCHAR: 17,
  TIMESTAMP_S: 20,
  TIMESTAMP_MS: 21,
  TIMESTAMP_NS: 22,
  TIMESTAMP_TZ: 31,
} as const;

type ArrayMaker = new (length: number) => NumericArray;
type ItemReader = (item: unknown) => number | bigint;

type Slot =
  | { kind: 'fixed'; Array: ArrayMaker; read: ItemReader }
  | { kind: 'bool' }
  | { kind: 'utf8' };

interface ColumnPlan {
  field: Field;
  slot: Slot;
  converted: boolean;
}

const itself: ItemReader = (item) => item as number | bigint;
const member =
  (key: string): ItemReader =>
  (item) =>
    (item as Record<string, number | bigint>)[key]!;

/** Arrow type, array and value reader for DuckDB's fixed-width types. */
function fixedWidth(
  arrow: ArrowModule,
  typeId: number,
): [DataType, ArrayMaker, ItemReader] | undefined {
  switch (typeId) {
    case Duck.TINYINT:
      return [new arrow.Int8(), Int8Array, itself];
    case Duck.SMALLINT:
      return [new arrow.Int16(), Int16Array, itself];
    case Duck.INTEGER:
      return [new arrow.Int32(), Int32Array, itself];
    case Duck.BIGINT:
      return [new arrow.Int64(), BigInt64Array, itself];
    case Duck.UTINYINT:
      return [new arrow.Uint8(), Uint8Array, itself];
    case Duck.USMALLINT:
      return [new arrow.Uint16(), Uint16Array, itself];
    case Duck.UINTEGER:
      return [new arrow.Uint32(), Uint32Array, itself];
    case Duck.UBIGINT:
      return [new arrow.Uint64(), BigUint64Array, itself];
    case Duck.FLOAT:
      return [new arrow.Float32(), Float32Array, itself];
    case Duck.DOUBLE:
      return [new arrow.Float64(), Float64Array, itself];
    case Duck.DATE:
      return [new arrow.DateDay(), Int32Array, member('days')];
    case Duck.TIMESTAMP:
    case Duck.TIMESTAMP_TZ:
      return [new arrow.TimestampMicrosecond(), BigInt64Array, member('micros')];
    case Duck.TIMESTAMP_MS:
      return [new arrow.TimestampMillisecond(), BigInt64Array, member('millis')];
    case Duck.TIMESTAMP_S:
      return [new arrow.TimestampSecond(), BigInt64Array, member('seconds')];
    case Duck.TIMESTAMP_NS:
      return [new arrow.TimestampNanosecond(), BigInt64Array, member('nanos')];
    default:
      return undefined;
  }
}

function planColumn(
  arrow: ArrowModule,
  name: string,
  typeId: number,
  typeName: string,
): ColumnPlan {
  const fixed = fixedWidth(arrow, typeId);
  if (fixed) {
    const [type, ArrayType, read] = fixed;
    return {
      field: new arrow.Field(name, type, true),
      slot: { kind: 'fixed', Array: ArrayType, read },
      converted: false,
    };
  }
  if (typeId === Duck.BOOLEAN) {
    return {
      field: new arrow.Field(name, new arrow.Bool(), true),
      slot: { kind: 'bool' },
      converted: false,
    };
  }
  const converted = typeId !== Duck.VARCHAR;
  const metadata = new Map(
    converted ? [['mlwarden.note', `Parquet type ${typeName} is read as text`]] : [],
  );
  return {
    field: new arrow.Field(name, new arrow.Utf8(), true, metadata),
    slot: { kind: 'utf8' },
    converted,
  };
}

const encoder = new TextEncoder();

/** Calls `fn` for every item of the chunks' vectors, with its row in the batch. */
function forEachItem(
  vectors: DuckVector[],
  counts: number[],
  fn: (item: unknown, row: number) => void,
): void {
  let row = 0;
  for (let v = 0; v < vectors.length; v++) {
    const vector = vectors[v]!;
    for (let i = 0; i < counts[v]!; i++, row++) fn(vector.getItem(i), row);
  }
}

/**
 * Copies fixed-width values and validity straight from DuckDB's vector memory (C API buffers:
 * little-endian values, validity as 64-bit words, bit i = row i valid — Arrow's bit order).
 */
function rawFixedData(
  bindings: DuckBindings,
  chunks: DuckChunk[],
  column: number,
  width: number,
  values: Uint8Array,
  validity: Uint8Array,
): number {
  let row = 0;
  let nulls = 0;
  for (const chunk of chunks) {
    const count = chunk.rowCount;
    const vector = bindings.data_chunk_get_vector(chunk.chunk, column);
    values.set(
      bindings.vector_get_data(vector, count * width).subarray(0, count * width),
      row * width,
    );
    const mask = bindings.vector_get_validity(vector, Math.ceil(count / 64) * 8);
    nulls += copyValidity(mask, validity, row, count);
    row += count;
  }
  return nulls;
}

/** Sets the validity bits of rows [row, row + count) from a DuckDB mask; returns the nulls. */
function copyValidity(
  mask: Uint8Array | null,
  validity: Uint8Array,
  row: number,
  count: number,
): number {
  let nulls = 0;
  if (!mask && (row & 7) === 0) {
    // No mask: every row valid. Whole bytes first, then the last few bits.
    const whole = count >> 3;
    validity.fill(0xff, row >> 3, (row >> 3) + whole);
    for (let r = row + whole * 8; r < row + count; r++) validity[r >> 3]! |= 1 << (r & 7);
    return 0;
  }
  for (let i = 0; i < count; i++) {
    const r = row + i;
    if (!mask || ((mask[i >> 3]! >> (i & 7)) & 1) === 1) validity[r >> 3]! |= 1 << (r & 7);
    else nulls++;
  }
  return nulls;
}

/**
 * Copies VARCHAR bytes straight from DuckDB's string structs (16 bytes: length, then the bytes
 * inline up to 12, else a prefix and a pointer) into Arrow utf8 buffers — no decoding to JS
 * strings and back, and invalid UTF-8 reaches the profile's `invalidUtf8` count unchanged.
 */
function rawUtf8Data(
  arrow: ArrowModule,
  bindings: DuckBindings,
  plan: ColumnPlan,
  column: number,
  chunks: DuckChunk[],
  n: number,
): Data {
  const validity = new Uint8Array((n + 7) >> 3);
  const offsets = new Int32Array(n + 1);
  let bytes = new Uint8Array(Math.max(1024, n * 8));
  let length = 0;
  let nulls = 0;
  let row = 0;
  for (const chunk of chunks) {
    const count = chunk.rowCount;
    const vector = bindings.data_chunk_get_vector(chunk.chunk, column);
    const structs = bindings.vector_get_data(vector, count * 16);
    const view = new DataView(structs.buffer, structs.byteOffset, count * 16);
    const mask = bindings.vector_get_validity(vector, Math.ceil(count / 64) * 8);
    nulls += copyValidity(mask, validity, row, count);
    for (let i = 0; i < count; i++) {
      const r = row + i;
      if ((validity[r >> 3]! >> (r & 7)) & 1) {
        const at = i * 16;
        const len = view.getUint32(at, true);
        if (length + len > bytes.length) {
          const grown = new Uint8Array(Math.max(length + len, bytes.length * 2));
          grown.set(bytes.subarray(0, length));
          bytes = grown;
        }
        if (len <= 12) {
          for (let k = 0; k < len; k++) bytes[length + k] = structs[at + 4 + k]!;
        } else {
          bytes.set(
            bindings.get_data_from_pointer(
              structs.buffer as ArrayBuffer,
              structs.byteOffset + at + 8,
              len,
            ),
            length,
          );
        }
        length += len;
      }
      offsets[r + 1] = length;
    }
    row += count;
  }
  const props = {
    type: plan.field.type,
    length: n,
    nullCount: nulls,
    valueOffsets: offsets,
    data: bytes.subarray(0, length),
    ...(nulls > 0 ? { nullBitmap: validity } : {}),
  };
  return arrow.makeData(props as unknown as Parameters<typeof arrow.makeData>[0]) as Data;
}

/** Copies `n` rows of one column out of DuckDB chunks into Arrow `Data`. */
function columnData(
  arrow: ArrowModule,
  bindings: DuckBindings | undefined,
  plan: ColumnPlan,
  column: number,
  chunks: DuckChunk[],
  n: number,
): Data {
  const slot = plan.slot;
  if (slot.kind === 'fixed' && bindings && chunks.every((c) => c.chunk !== undefined)) {
    const values = new slot.Array(n);
    const validity = new Uint8Array((n + 7) >> 3);
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    const nulls = rawFixedData(bindings, chunks, column, values.BYTES_PER_ELEMENT, bytes, validity);
    const props = {
      type: plan.field.type,
      length: n,
      nullCount: nulls,
      data: values,
      ...(nulls > 0 ? { nullBitmap: validity } : {}),
    };
    return arrow.makeData(props as unknown as Parameters<typeof arrow.makeData>[0]) as Data;
  }
  if (
    slot.kind === 'utf8' &&
    !plan.converted &&
    bindings &&
    chunks.every((c) => c.chunk !== undefined)
  ) {
    return rawUtf8Data(arrow, bindings, plan, column, chunks, n);
  }
  const vectors = chunks.map((c) => c.getColumnVector(column));
  const counts = chunks.map((c) => c.rowCount);
  return columnDataByItem(arrow, plan, vectors, counts, n);
}

/** Copies `n` rows of one column out of DuckDB vectors through the public API (getItem per value). */
function columnDataByItem(
  arrow: ArrowModule,
  plan: ColumnPlan,
  vectors: DuckVector[],
  counts: number[],
  n: number,
): Data {
  const validity = new Uint8Array((n + 7) >> 3);
  let nulls = 0;
  const slot = plan.slot;
  const props: Record<string, unknown> = { type: plan.field.type, length: n };
  const present = (item: unknown, row: number): boolean => {
    if (item === null || item === undefined) {
      nulls++;
      return false;
    }
    validity[row >> 3]! |= 1 << (row & 7);
    return true;
  };
  if (slot.kind === 'utf8') {
    const offsets = new Int32Array(n + 1);
    let bytes = new Uint8Array(Math.max(1024, n * 8));
    let length = 0;
    forEachItem(vectors, counts, (item, row) => {
      if (present(item, row)) {
        const s = typeof item === 'string' ? item : String(item);
        if (length + s.length * 3 > bytes.length) {
          const grown = new Uint8Array(Math.max(length + s.length * 3, bytes.length * 2));
          grown.set(bytes.subarray(0, length));
          bytes = grown;
        }
        length += encoder.encodeInto(s, bytes.subarray(length)).written;
      }
      offsets[row + 1] = length;
    });
    props.valueOffsets = offsets;
    props.data = bytes.subarray(0, length);
  } else if (slot.kind === 'bool') {
    const bits = new Uint8Array((n + 7) >> 3);
    forEachItem(vectors, counts, (item, row) => {
      if (present(item, row) && item === true) bits[row >> 3]! |= 1 << (row & 7);
    });
    props.data = bits;
  } else {
    const values = new slot.Array(n) as unknown as (number | bigint)[];
    forEachItem(vectors, counts, (item, row) => {
      if (present(item, row)) values[row] = slot.read(item);
    });
    props.data = values;
  }
  props.nullCount = nulls;
  if (nulls > 0) props.nullBitmap = validity;
  return arrow.makeData(props as unknown as Parameters<typeof arrow.makeData>[0]) as Data;
}

function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function sqlIdentifier(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}

async function checkParquetFraming(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const regenerate =
      'the file is truncated or was not fully written; write it again from its source';
    if (size < 12)
      throw new InputError(`Parquet file ${path} is truncated (${size} bytes)`, {
        hint: regenerate,
      });
    const tail = new Uint8Array(8);
    await handle.read(tail, 0, 8, size - 8);
    if (String.fromCharCode(...tail.subarray(4)) !== 'PAR1') {
      throw new InputError(
        `Parquet file ${path} is truncated: it does not end with PAR1 (no footer)`,
        { hint: regenerate },
      );
    }
    const footer = new DataView(tail.buffer).getInt32(0, true);
    if (footer <= 0 || footer > size - 12) {
      throw new InputError(`Parquet file ${path} has a corrupt footer length (${footer})`, {
        hint: regenerate,
      });
    }
  } finally {
    await handle.close();
  }
}

export interface ParquetDatasetOptions {
  source?: string;
  /** Rows per record batch (default 65,536). */
  batchRows?: number;
  /** DuckDB worker threads (default: DuckDB's own, one per core). */
  threads?: number;
}

function describe(path: string, cause: unknown): InputError {
  if (MlwardenError.isInstance(cause)) return cause as InputError;
  return new InputError(
    `cannot read Parquet file ${path}: ${cause instanceof Error ? cause.message : String(cause)}`,
    {
      cause,
      hint: 'the file is corrupt, truncated or uses a feature DuckDB cannot read; check it with another Parquet reader',
    },
  );
}

/**
 * Opens a Parquet file with DuckDB's Node API (`@duckdb/node-api`, an optional dependency loaded
 * on first use). DuckDB streams row groups and reads only the selected columns; rows are copied
 * into Arrow record batches of `batchRows`. Extension auto-loading is off, so reading a file
 * never reaches the network. See docs/data-layer.md for why DuckDB rather than parquet-wasm.
 */
export async function openParquetDataset(
  path: string,
  options: ParquetDatasetOptions = {},
): Promise<ArrowDataset> {
  const source = options.source ?? path;
  const batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;
  await checkParquetFraming(path);
  const [arrow, duck, bindings] = await Promise.all([
    loadArrow(),
    loadDuckDB(source),
    loadBindings(),
  ]);
  const config: Record<string, string> = {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  };
  if (options.threads !== undefined) config.threads = String(options.threads);

  async function connect(): Promise<{ instance: DuckInstance; connection: DuckConnection }> {
    const instance = await duck.DuckDBInstance.create(':memory:', config);
    return { instance, connection: await instance.connect() };
  }
  function close(db: { instance: DuckInstance; connection: DuckConnection }): void {
    db.connection.closeSync?.() ?? db.connection.disconnectSync?.();
    db.instance.closeSync?.();
  }

  let plans: ColumnPlan[];
  const db = await connect();
  try {
    const result = await db.connection.stream(
      `SELECT * FROM read_parquet(${sqlString(path)}) LIMIT 0`,
    );
    const names = result.columnNames();
    const types = result.columnTypes();
    plans = names.map((name, i) => planColumn(arrow, name, types[i]!.typeId, types[i]!.toString()));
  } catch (cause) {
    throw describe(path, cause);
  } finally {
    close(db);
  }
  const notes = new NoteLog();
  for (const plan of plans) {
    if (plan.converted) {
      notes.add({
        kind: 'converted-type',
        column: plan.field.name,
        count: 0,
        message: plan.field.metadata.get('mlwarden.note')!,
      });
    }
  }
  const schema: Schema = new arrow.Schema(plans.map((p) => p.field));
  const frozen: readonly DatasetNote[] = notes.notes;

  return {
    schema,
    source,
    format: 'parquet',
    notes: frozen,
    async *batches(
      opts: { columns?: string[]; signal?: AbortSignal } = {},
    ): AsyncGenerator<RecordBatch> {
      const columns = opts.columns
        ? checkColumns(schema, opts.columns, source)
        : plans.map((p) => p.field.name);
      const selected = columns.map((c) => plans.find((p) => p.field.name === c)!);
      const batchSchema = new arrow.Schema(selected.map((p) => p.field));
      const db = await connect();
      try {
        const list = columns.length > 0 ? columns.map(sqlIdentifier).join(', ') : '*';
        let result: DuckResult;
        try {
          result = await db.connection.stream(
            `SELECT ${list} FROM read_parquet(${sqlString(path)})`,
          );
        } catch (cause) {
          throw describe(path, cause);
        }
        let chunks: DuckChunk[] = [];
        let rows = 0;
        const flush = (): RecordBatch => {
          const children = selected.map((plan, c) =>
            columnData(arrow, bindings, plan, c, chunks, rows),
          );
          const data = arrow.makeData({
            type: new arrow.Struct(batchSchema.fields),
            length: rows,
            nullCount: 0,
            children,
          });
          chunks = [];
          rows = 0;
          return new arrow.RecordBatch(batchSchema, data);
        };
        for (;;) {
          opts.signal?.throwIfAborted();
          let chunk: DuckChunk | null;
          try {
            chunk = await result.fetchChunk();
          } catch (cause) {
            throw describe(path, cause);
          }
          if (!chunk || chunk.rowCount === 0) break;
          chunks.push(chunk);
          rows += chunk.rowCount;
          if (rows >= batchRows) yield flush();
        }
        if (rows > 0) yield flush();
      } finally {
        close(db);
      }
    },
  };
}
