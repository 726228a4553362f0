/**
 * Structural views of Arrow JS objects. The data layer reads `Data` buffers through these shapes
 * instead of importing classes, so tables made by any copy (or version >= 17) of `apache-arrow`
 * work, and the kernels run in worker threads without loading Arrow twice.
 */

/** Arrow JS `Type` enum values (stable across versions; from the Arrow format's type ids). */
export const TypeId = {
  Null: 1,
  Int: 2,
  Float: 3,
  Binary: 4,
  Utf8: 5,
  Bool: 6,
  Decimal: 7,
  Date: 8,
  Time: 9,
  Timestamp: 10,
  Interval: 11,
  List: 12,
  Struct: 13,
  Union: 14,
  FixedSizeBinary: 15,
  FixedSizeList: 16,
  Map: 17,
  Duration: 18,
  LargeBinary: 19,
  LargeUtf8: 20,
  Dictionary: -1,
} as const;

export interface DataTypeLike {
  readonly typeId: number;
  toString(): string;
  /** Float: 0 half, 1 single, 2 double. */
  readonly precision?: number;
  readonly isSigned?: boolean;
  readonly bitWidth?: number;
  /** Dictionary: the value type. */
  readonly dictionary?: DataTypeLike;
}

export type NumericArray =
  | Float64Array
  | Float32Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/** The parts of an Arrow JS `Data` the kernels read. */
export interface DataLike {
  readonly type: DataTypeLike;
  readonly length: number;
  /** Bit offset into the validity bitmap (and into bool values); typed buffers are pre-sliced. */
  readonly offset: number;
  readonly nullBitmap?: Uint8Array | null;
  readonly values?: NumericArray;
  readonly valueOffsets?: Int32Array | BigInt64Array;
  readonly dictionary?: VectorLike;
  readonly children?: readonly DataLike[];
}

export interface VectorLike {
  readonly length: number;
  readonly data: readonly DataLike[];
  get(index: number): unknown;
}

export interface FieldLike {
  readonly name: string;
  readonly type: DataTypeLike;
  readonly nullable?: boolean;
  readonly metadata?: Map<string, string>;
}

export interface SchemaLike {
  readonly fields: readonly FieldLike[];
}

export interface RecordBatchLike {
  readonly schema: SchemaLike;
  readonly numRows: number;
  readonly data: DataLike & { readonly children: readonly DataLike[] };
}

export interface TableLike {
  readonly schema: SchemaLike;
  readonly numRows: number;
  readonly batches: readonly RecordBatchLike[];
}

function isObject(value: unknown): value is Record<PropertyKey, unknown> {
  return typeof value === 'object' && value !== null;
}

function hasSchemaShape(value: unknown): boolean {
  return isObject(value) && Array.isArray(value.fields);
}

/**
 * True for an Arrow JS `Table` from any copy of `apache-arrow`: by its `Symbol.for` brand
 * (Arrow >= 21) or by shape (schema with fields, an array of record batches, a row count).
 * Never uses `instanceof`, which fails across package copies.
 */
export function isArrowTable(value: unknown): value is TableLike {
  if (!isObject(value)) return false;
  if (value[Symbol.for('apache-arrow/Table')] === true) return true;
  return (
    hasSchemaShape(value.schema) &&
    Array.isArray(value.batches) &&
    typeof value.numRows === 'number' &&
    typeof value.getChild === 'function' &&
    value.batches.every(isArrowRecordBatch)
  );
}

/** True for an Arrow JS `RecordBatch` from any copy of `apache-arrow` (brand or shape). */
export function isArrowRecordBatch(value: unknown): value is RecordBatchLike {
  if (!isObject(value)) return false;
  if (value[Symbol.for('apache-arrow/RecordBatch')] === true) return true;
  return (
    hasSchemaShape(value.schema) &&
    typeof value.numRows === 'number' &&
    isObject(value.data) &&
    Array.isArray(value.data.children)
  );
}
