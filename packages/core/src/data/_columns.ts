import type { Data, Field, RecordBatch, Schema } from 'apache-arrow';
import type { ArrowModule } from './_load-arrow.js';
import type { DatasetNote, NoteLog } from './dataset-notes.js';

/** Column types the text and record readers infer. */
export type InferredType = 'bool' | 'int32' | 'float64' | 'utf8';

export enum ValueClass {
  Null = 0,
  Bool = 1,
  Int = 2,
  Float = 3,
  Text = 4,
  Nested = 5,
}

const INT_RE = /^[+-]?\d+$/;
const FLOAT_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL_FLOATS = new Map<string, number>([
  ['NaN', Number.NaN],
  ['nan', Number.NaN],
  ['inf', Number.POSITIVE_INFINITY],
  ['+inf', Number.POSITIVE_INFINITY],
  ['-inf', Number.NEGATIVE_INFINITY],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['+Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
]);

export const DEFAULT_NULL_VALUES = ['', 'NA', 'N/A', '#N/A', 'null', 'NULL', 'None'];

/** Parses a number the way the CSV reader accepts it, or returns undefined. */
export function parseNumberText(s: string): number | undefined {
  if (FLOAT_RE.test(s)) return Number(s);
  return SPECIAL_FLOATS.get(s);
}

function isInt32(v: number): boolean {
  return Number.isInteger(v) && v >= -2147483648 && v <= 2147483647;
}

/** Classifies a CSV field. Quoted fields are never null. */
export function classifyText(s: string, quoted: boolean, nulls: ReadonlySet<string>): ValueClass {
  if (!quoted && nulls.has(s)) return ValueClass.Null;
  if (INT_RE.test(s)) return isInt32(Number(s)) ? ValueClass.Int : ValueClass.Float;
  if (FLOAT_RE.test(s) || SPECIAL_FLOATS.has(s)) return ValueClass.Float;
  const lower = s.length <= 5 ? s.toLowerCase() : '';
  if (lower === 'true' || lower === 'false') return ValueClass.Bool;
  return ValueClass.Text;
}

/** Classifies a JSON / JavaScript value. */
export function classifyValue(v: unknown): ValueClass {
  if (v === null || v === undefined) return ValueClass.Null;
  switch (typeof v) {
    case 'boolean':
      return ValueClass.Bool;
    case 'number':
      return isInt32(v) ? ValueClass.Int : ValueClass.Float;
    case 'bigint':
      return ValueClass.Float;
    case 'string':
      return ValueClass.Text;
    default:
      return ValueClass.Nested;
  }
}

/** Counts of value classes seen in a column's sample, and the type they imply. */
export class TypeTally {
  readonly counts = [0, 0, 0, 0, 0, 0];
  firstLine: number | undefined;

  add(cls: ValueClass): void {
    this.counts[cls]!++;
  }

  decide(column: string): { type: InferredType; note?: DatasetNote } {
    const [nulls, bools, ints, floats, texts, nested] = this.counts as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const nonNull = bools + ints + floats + texts + nested;
    if (nonNull === 0) {
      return {
        type: 'utf8',
        note: {
          kind: 'all-null',
          column,
          count: nulls,
          message: `every value of "${column}" in the type-inference sample is null; it is read as text`,
        },
      };
    }
    if (nested > 0 && nested === nonNull) {
      return {
        type: 'utf8',
        note: {
          kind: 'nested-as-json',
          column,
          count: nested,
          message: `"${column}" holds objects or arrays; they are kept as JSON text`,
        },
      };
    }
    if (bools === nonNull) return { type: 'bool' };
    if (ints === nonNull) return { type: 'int32' };
    if (ints + floats === nonNull) return { type: 'float64' };
    if (texts === nonNull) return { type: 'utf8' };
    const parts: string[] = [];
    if (ints + floats > 0) parts.push(`${ints + floats} numbers`);
    if (bools > 0) parts.push(`${bools} booleans`);
    if (texts > 0) parts.push(`${texts} strings`);
    if (nested > 0) parts.push(`${nested} objects or arrays`);
    return {
      type: 'utf8',
      note: {
        kind: 'mixed-types',
        column,
        count: nonNull,
        message: `"${column}" mixes ${parts.join(', ')} in the type-inference sample; every value is read as text`,
      },
    };
  }
}

const encoder = new TextEncoder();

/**
 * Builds one Arrow column from parsed values. A value that does not fit the column's type is
 * stored as null and reported as a `type-mismatch` note (with the first line it occurred on).
 */
export class ColumnBuilder {
  private length = 0;
  private nullCount = 0;
  private validity = new Uint8Array(64);
  private f64 = new Float64Array(0);
  private i32 = new Int32Array(0);
  private bits = new Uint8Array(0);
  private offsets = new Int32Array(0);
  private bytes = new Uint8Array(0);
  private byteLength = 0;

  constructor(
    readonly name: string,
    readonly type: InferredType,
    private readonly notes: NoteLog,
    private readonly nullValues: ReadonlySet<string>,
  ) {
    this.reset();
  }

  private reset(): void {
    this.length = 0;
    this.nullCount = 0;
    this.validity = new Uint8Array(64);
    if (this.type === 'float64') this.f64 = new Float64Array(512);
    else if (this.type === 'int32') this.i32 = new Int32Array(512);
    else if (this.type === 'bool') this.bits = new Uint8Array(64);
    else {
      this.offsets = new Int32Array(513);
      this.bytes = new Uint8Array(4096);
      this.byteLength = 0;
    }
  }

  private grow(): void {
    const i = this.length;
    if (i >> 3 >= this.validity.length) {
      const v = new Uint8Array(this.validity.length * 2);
      v.set(this.validity);
      this.validity = v;
    }
    if (this.type === 'float64' && i >= this.f64.length) {
      const a = new Float64Array(this.f64.length * 2);
      a.set(this.f64);
      this.f64 = a;
    } else if (this.type === 'int32' && i >= this.i32.length) {
      const a = new Int32Array(this.i32.length * 2);
      a.set(this.i32);
      this.i32 = a;
    } else if (this.type === 'bool' && i >> 3 >= this.bits.length) {
      const a = new Uint8Array(this.bits.length * 2);
      a.set(this.bits);
      this.bits = a;
    } else if (this.type === 'utf8' && i + 1 >= this.offsets.length) {
      const a = new Int32Array(this.offsets.length * 2);
      a.set(this.offsets);
      this.offsets = a;
    }
  }

  private appendNull(): void {
    this.grow();
    this.nullCount++;
    if (this.type === 'utf8') this.offsets[this.length + 1] = this.byteLength;
    this.length++;
  }

  private markValid(): void {
    const i = this.length;
    this.validity[i >> 3]! |= 1 << (i & 7);
  }

  private appendString(s: string): void {
    const needed = this.byteLength + s.length * 3;
    if (needed > this.bytes.length) {
      const a = new Uint8Array(Math.max(needed, this.bytes.length * 2));
      a.set(this.bytes.subarray(0, this.byteLength));
      this.bytes = a;
    }
    const { written } = encoder.encodeInto(s, this.bytes.subarray(this.byteLength));
    this.byteLength += written;
    this.markValid();
    this.offsets[this.length + 1] = this.byteLength;
    this.length++;
  }

  private mismatch(line: number | undefined): void {
    this.notes.add({
      kind: 'type-mismatch',
      column: this.name,
      count: 1,
      ...(line === undefined ? {} : { line }),
      message: `values of "${this.name}" that are not ${this.type} (inferred from the sample) were read as null`,
    });
    this.appendNull();
  }

  private appendNumber(v: number, line: number | undefined): void {
    if (this.type === 'int32' && !isInt32(v)) {
      this.mismatch(line);
      return;
    }
    this.grow();
    if (this.type === 'float64') this.f64[this.length] = v;
    else this.i32[this.length] = v;
    this.markValid();
    this.length++;
  }

  private appendBool(v: boolean): void {
    this.grow();
    if (v) this.bits[this.length >> 3]! |= 1 << (this.length & 7);
    this.markValid();
    this.length++;
  }

  /** Appends a CSV field (`null` for a missing trailing field). */
  appendText(s: string | null, quoted: boolean, line: number): void {
    if (s === null || (!quoted && this.nullValues.has(s))) {
      this.appendNull();
      return;
    }
    switch (this.type) {
      case 'utf8':
        this.grow();
        this.appendString(s);
        return;
      case 'float64':
      case 'int32': {
        const v = parseNumberText(s);
        if (v === undefined) {
          this.mismatch(line);
          return;
        }
        this.appendNumber(v, line);
        return;
      }
      case 'bool': {
        const lower = s.toLowerCase();
        if (lower === 'true') {
          this.appendBool(true);
          return;
        }
        if (lower === 'false') {
          this.appendBool(false);
          return;
        }
        this.mismatch(line);
        return;
      }
    }
  }

  /** Appends a JSON / JavaScript value. */
  appendValue(v: unknown, line: number | undefined): void {
    if (v === null || v === undefined) {
      this.appendNull();
      return;
    }
    switch (this.type) {
      case 'utf8':
        this.grow();
        if (typeof v === 'string') {
          this.appendString(v);
          return;
        }
        if (typeof v === 'object') {
          this.appendString(v instanceof Date ? v.toISOString() : JSON.stringify(v));
          return;
        }
        this.appendString(String(v));
        return;
      case 'float64':
      case 'int32':
        if (typeof v === 'number') {
          this.appendNumber(v, line);
          return;
        }
        if (typeof v === 'bigint') {
          this.appendNumber(Number(v), line);
          return;
        }
        this.mismatch(line);
        return;
      case 'bool':
        if (typeof v === 'boolean') {
          this.appendBool(v);
          return;
        }
        this.mismatch(line);
        return;
    }
  }

  get rows(): number {
    return this.length;
  }

  /** The column so far as Arrow `Data`; the builder starts over. */
  finish(arrow: ArrowModule): Data {
    const length = this.length;
    const nullCount = this.nullCount;
    const nullBitmap = nullCount > 0 ? this.validity.slice(0, (length + 7) >> 3) : undefined;
    let data: Data;
    switch (this.type) {
      case 'float64':
        data = arrow.makeData({
          type: new arrow.Float64(),
          length,
          nullCount,
          nullBitmap,
          data: this.f64.slice(0, length),
        });
        break;
      case 'int32':
        data = arrow.makeData({
          type: new arrow.Int32(),
          length,
          nullCount,
          nullBitmap,
          data: this.i32.slice(0, length),
        });
        break;
      case 'bool':
        data = arrow.makeData({
          type: new arrow.Bool(),
          length,
          nullCount,
          nullBitmap,
          data: this.bits.slice(0, (length + 7) >> 3),
        });
        break;
      default:
        data = arrow.makeData({
          type: new arrow.Utf8(),
          length,
          nullCount,
          nullBitmap,
          valueOffsets: this.offsets.slice(0, length + 1),
          data: this.bytes.slice(0, this.byteLength),
        });
    }
    this.reset();
    return data as Data;
  }
}

/** Arrow field for an inferred column, with its inference note (if any) in the metadata. */
export function inferredField(
  arrow: ArrowModule,
  name: string,
  type: InferredType,
  note?: DatasetNote,
): Field {
  const dataType =
    type === 'float64'
      ? new arrow.Float64()
      : type === 'int32'
        ? new arrow.Int32()
        : type === 'bool'
          ? new arrow.Bool()
          : new arrow.Utf8();
  const metadata = new Map<string, string>([['mlwarden.inferred', type]]);
  if (note) metadata.set('mlwarden.note', note.message);
  return new arrow.Field(name, dataType, true, metadata);
}

/** Assembles builders' output into a record batch of `schema`. */
export function assembleBatch(
  arrow: ArrowModule,
  schema: Schema,
  builders: ColumnBuilder[],
): RecordBatch {
  const children = builders.map((b) => b.finish(arrow));
  const length = children[0]?.length ?? 0;
  const data = arrow.makeData({
    type: new arrow.Struct(schema.fields),
    length,
    nullCount: 0,
    children,
  });
  return new arrow.RecordBatch(schema, data);
}
