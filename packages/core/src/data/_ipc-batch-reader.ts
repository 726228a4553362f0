import type { DataType, Field, Schema, Vector } from 'apache-arrow';
import { InputError } from '../errors/input-error.js';
import type { DataLike, FieldLike, RecordBatchLike } from './_arrow-shape.js';
import { TypeId } from './_arrow-shape.js';
import type { ArrowModule } from './_load-arrow.js';

/** Reads `length` bytes at `position` into `buffer`; returns the count read. */
export type ReadAt = (
  buffer: Uint8Array,
  length: number,
  position: number,
) => Promise<number> | number;

export interface Block {
  offset: number;
  metaDataLength: number;
  bodyLength: number;
}

/** Types whose buffers map one to one onto a flat `DataLike` (no children, no views). */
function supported(type: DataType): boolean {
  switch (type.typeId) {
    case TypeId.Null:
    case TypeId.Int:
    case TypeId.Float:
    case TypeId.Bool:
    case TypeId.Utf8:
    case TypeId.LargeUtf8:
    case TypeId.Binary:
    case TypeId.LargeBinary:
    case TypeId.FixedSizeBinary:
    case TypeId.Decimal:
    case TypeId.Date:
    case TypeId.Time:
    case TypeId.Timestamp:
    case TypeId.Interval:
    case TypeId.Duration:
      return true;
    case TypeId.Dictionary:
      return supported((type as unknown as { dictionary: DataType }).dictionary);
    default:
      return false;
  }
}

/** True when every field of `schema` can be read by {@link IpcBatchReader}. */
export function flatSchema(schema: Schema): boolean {
  return schema.fields.every((f) => supported(f.type));
}

type TypedArrayConstructor = new (
  buffer: ArrayBuffer,
  byteOffset: number,
  length: number,
) => ArrayBufferView & { length: number };

/**
 * Reads record batches of an Arrow IPC file into one reused buffer and exposes their columns as
 * zero-copy views, for the profiler. Arrow JS allocates a fresh buffer per batch, which for a
 * multi-gigabyte file means as many allocations and garbage collections; this reader allocates
 * once. Batches are only valid until the next `read` — the profiler never keeps them.
 * Flat schemas only (see {@link flatSchema}); the header is decoded with Arrow's own `Message`.
 */
export class IpcBatchReader {
  private body = new Uint8Array(0);
  private meta = new Uint8Array(0);
  private readonly selected: boolean[];
  private readonly fields: FieldLike[];

  constructor(
    private readonly arrow: ArrowModule,
    private readonly schema: Schema,
    private readonly dictionaries: Map<number, Vector>,
    private readonly readAt: ReadAt,
    private readonly source: string,
    columns?: readonly string[],
  ) {
    const wanted = columns ? new Set(columns) : undefined;
    this.selected = schema.fields.map((f) => !wanted || wanted.has(f.name));
    // Selected columns come out in schema order.
    this.fields = schema.fields.filter((_, i) => this.selected[i]) as unknown as FieldLike[];
  }

  private corrupt(index: number, what: string): InputError {
    return new InputError(`${this.source}: record batch ${index} is corrupt: ${what}`, {
      hint: 'write the file again from its source',
    });
  }

  /** Reads batch `index` described by `block`. */
  async read(index: number, block: Block): Promise<RecordBatchLike> {
    if (this.meta.length < block.metaDataLength) this.meta = new Uint8Array(block.metaDataLength);
    if (this.body.length < block.bodyLength)
      this.body = new Uint8Array(Math.ceil(block.bodyLength * 1.25));
    const metaRead = await this.readAt(this.meta, block.metaDataLength, block.offset);
    if (metaRead < block.metaDataLength) throw this.corrupt(index, 'its metadata is cut off');
    const view = new DataView(this.meta.buffer, 0, block.metaDataLength);
    const continuation = view.getInt32(0, true) === -1;
    const prefix = continuation ? 8 : 4;
    const length = view.getInt32(continuation ? 4 : 0, true);
    if (length <= 0 || prefix + length > block.metaDataLength)
      throw this.corrupt(index, 'bad metadata length');
    const message = this.arrow.Message.decode(this.meta.subarray(prefix, prefix + length));
    if (!message.isRecordBatch())
      throw this.corrupt(index, 'the footer points at a message that is not a record batch');
    const header = message.header();
    if (header.compression != null) {
      throw new InputError(
        `${this.source} uses IPC buffer compression, which Arrow JS cannot decode`,
        {
          hint: 'rewrite it uncompressed, e.g. pyarrow.ipc.new_file(..., options=pyarrow.ipc.IpcWriteOptions(compression=None))',
        },
      );
    }
    const bodyLength = Number(message.bodyLength);
    if (bodyLength > block.bodyLength)
      throw this.corrupt(index, 'its body is longer than the footer says');
    const bodyRead = await this.readAt(this.body, bodyLength, block.offset + block.metaDataLength);
    if (bodyRead < bodyLength) throw this.corrupt(index, 'the file ends inside its body');

    const rows = Number(header.length);
    const nodes = header.nodes;
    const buffers = header.buffers;
    let ni = 0;
    let bi = 0;
    const base = this.body.buffer as ArrayBuffer;
    const nextBuffer = () => {
      const region = buffers[bi++];
      if (!region) throw this.corrupt(index, 'fewer buffers than its schema needs');
      const offset = Number(region.offset);
      const len = Number(region.length);
      if (offset < 0 || len < 0 || offset + len > bodyLength)
        throw this.corrupt(index, 'a buffer lies outside its body');
      return { offset, len };
    };
    const typed = (Type: TypedArrayConstructor, region: { offset: number; len: number }) => {
      const width = (Type as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
      if (region.offset % width !== 0) throw this.corrupt(index, 'a buffer is not aligned');
      return new Type(base, region.offset, Math.floor(region.len / width));
    };
    const children: DataLike[] = [];
    for (let f = 0; f < this.schema.fields.length; f++) {
      const field = this.schema.fields[f] as Field;
      const type = field.type as DataType;
      const node = nodes[ni++];
      if (!node) throw this.corrupt(index, 'fewer field nodes than its schema has fields');
      const nodeLength = Number(node.length);
      if (nodeLength !== rows)
        throw this.corrupt(
          index,
          `column "${field.name}" has ${nodeLength} rows, the batch ${rows}`,
        );
      const nullCount = Number(node.nullCount);
      if (type.typeId === TypeId.Null) {
        if (this.selected[f]) children.push({ type, length: nodeLength, offset: 0 } as DataLike);
        continue;
      }
      const validityRegion = nextBuffer();
      const isDictionary = type.typeId === TypeId.Dictionary;
      const variable = [TypeId.Utf8, TypeId.LargeUtf8, TypeId.Binary, TypeId.LargeBinary].includes(
        type.typeId as never,
      );
      const offsetsRegion = variable ? nextBuffer() : undefined;
      const valuesRegion = nextBuffer();
      if (!this.selected[f]) continue;
      const nullBitmap =
        nullCount > 0 && validityRegion.len > 0
          ? typed(Uint8Array as never, validityRegion)
          : undefined;
      const data: {
        type: DataType;
        length: number;
        offset: number;
        nullBitmap?: Uint8Array;
        values?: unknown;
        valueOffsets?: unknown;
        dictionary?: Vector;
      } = { type, length: nodeLength, offset: 0 };
      if (nullBitmap) data.nullBitmap = nullBitmap as unknown as Uint8Array;
      if (variable) {
        const large = type.typeId === TypeId.LargeUtf8 || type.typeId === TypeId.LargeBinary;
        data.valueOffsets = typed((large ? BigInt64Array : Int32Array) as never, offsetsRegion!);
        data.values = typed(Uint8Array as never, valuesRegion);
      } else if (isDictionary) {
        const dict = type as unknown as {
          id: number;
          indices: { ArrayType: TypedArrayConstructor };
        };
        data.values = typed(dict.indices.ArrayType, valuesRegion);
        const dictionary = this.dictionaries.get(dict.id);
        if (!dictionary) throw this.corrupt(index, `dictionary ${dict.id} is missing`);
        data.dictionary = dictionary;
      } else if (type.typeId === TypeId.Bool) {
        data.values = typed(Uint8Array as never, valuesRegion);
      } else {
        data.values = typed(
          (type as unknown as { ArrayType: TypedArrayConstructor }).ArrayType,
          valuesRegion,
        );
      }
      children.push(data as DataLike);
    }
    return {
      schema: { fields: this.fields },
      numRows: rows,
      data: { type: { typeId: TypeId.Struct }, length: rows, offset: 0, children },
    } as unknown as RecordBatchLike;
  }
}
