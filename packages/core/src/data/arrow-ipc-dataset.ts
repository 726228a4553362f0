import { type FileHandle, open } from 'node:fs/promises';
import type { RecordBatch, Schema } from 'apache-arrow';
import { InputError } from '../errors/input-error.js';
import { MlwardenError } from '../errors/mlwarden-error.js';
import { checkColumns, selectColumns, validateBatch } from './_batch-utils.js';
import { walkIpcFraming } from './_ipc-framing.js';
import { loadArrow } from './_load-arrow.js';
import { PARTITIONS, type PartitionPlan } from './_partitions.js';
import type { ArrowDataset, DatasetNote } from './dataset-notes.js';

const MAGIC = 'ARROW1';

async function readAt(handle: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const buf = new Uint8Array(length);
  const { bytesRead } = await handle.read(buf, 0, length, position);
  return buf.subarray(0, bytesRead);
}

function ascii(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

/** Reasons an Arrow IPC file cannot be read, found before handing it to the reader. */
async function checkFraming(
  path: string,
  handle: FileHandle,
  size: number,
  format: 'arrow-file' | 'arrow-stream',
): Promise<number> {
  const regenerate =
    'the file is truncated or was not fully written; write it again from its source';
  if (format === 'arrow-file') {
    if (size < 18)
      throw new InputError(`Arrow IPC file ${path} is truncated (${size} bytes)`, {
        hint: regenerate,
      });
    const tail = await readAt(handle, size - 10, 10);
    if (ascii(tail.subarray(4)) !== MAGIC) {
      throw new InputError(
        `Arrow IPC file ${path} is truncated: it starts with ARROW1 but does not end with it (no footer)`,
        { hint: regenerate },
      );
    }
    const footerLength = new DataView(tail.buffer, tail.byteOffset).getInt32(0, true);
    if (footerLength <= 0 || footerLength > size - 18) {
      throw new InputError(`Arrow IPC file ${path} has a corrupt footer length (${footerLength})`, {
        hint: regenerate,
      });
    }
    return footerLength;
  }
  const tail = await readAt(handle, Math.max(0, size - 8), Math.min(8, size));
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  const modern =
    tail.length === 8 && view.getUint32(0, true) === 0xffffffff && view.getUint32(4, true) === 0;
  const legacy = tail.length >= 4 && view.getUint32(tail.length - 4, true) === 0;
  if (!modern && !legacy) {
    throw new InputError(
      `Arrow IPC stream ${path} has no end-of-stream marker: it is truncated or still being written`,
      { hint: regenerate },
    );
  }
  return 0;
}

function describeReadError(path: string, cause: unknown, where: string): InputError {
  if (MlwardenError.isInstance(cause)) return cause as InputError;
  const message = cause instanceof Error ? cause.message : String(cause);
  const compressed = /codec|compress/i.test(message);
  return new InputError(`cannot read Arrow IPC data ${path} (${where}): ${message}`, {
    cause,
    hint: compressed
      ? 'the file uses IPC buffer compression (LZ4/ZSTD), which Arrow JS cannot decode; rewrite it uncompressed, e.g. pyarrow.ipc.new_file(..., options=pyarrow.ipc.IpcWriteOptions(compression=None))'
      : 'the file is corrupt or truncated; write it again from its source',
  });
}

export interface ArrowIpcDatasetOptions {
  /** Name used in messages and findings (default: the path). */
  source?: string;
}

/**
 * Opens an Arrow IPC file (`ARROW1` framing, random access by record batch) or stream
 * (continuation-marker framing, read front to back). Nothing but the schema is read until
 * `batches()` is iterated; each batch is read from disk when it is needed, so files larger than
 * memory stream in bounded memory. Record batches are zero-copy views of their message body;
 * column selection picks columns from each batch without decoding the others.
 */
export async function openArrowIpcDataset(
  path: string,
  format: 'arrow-file' | 'arrow-stream',
  options: ArrowIpcDatasetOptions = {},
): Promise<ArrowDataset> {
  const arrow = await loadArrow();
  const handle = await open(path, 'r');
  let schema: Schema;
  let numBatches: number | undefined;
  let numRows: number;
  let size: number;
  let mtimeMs: number;
  try {
    ({ size, mtimeMs } = await handle.stat());
    const footerLength = await checkFraming(path, handle, size, format);
    const framing =
      format === 'arrow-file'
        ? await walkIpcFraming(arrow, handle, path, 8, size - 10 - footerLength, false)
        : await walkIpcFraming(arrow, handle, path, 0, size, true);
    numRows = framing.batchRows.reduce((a, b) => a + b, 0);
    try {
      const reader = await arrow.RecordBatchReader.from(handle);
      await reader.open();
      schema = reader.schema;
      if (format === 'arrow-file') {
        numBatches = reader.numRecordBatches;
        // Random access goes through the footer: each block must point at a message we checked.
        const known = new Set(framing.batchOffsets);
        for (let i = 0; i < numBatches; i++) {
          const block = reader.footer?.getRecordBatch(i);
          if (!block || !known.has(Number(block.offset))) {
            throw new InputError(
              `Arrow IPC file ${path} has a corrupt footer: record batch ${i} points outside the data`,
              {
                hint: 'write the file again from its source',
              },
            );
          }
        }
        if (numBatches !== framing.batchRows.length) {
          throw new InputError(
            `Arrow IPC file ${path} has a corrupt footer: it lists ${numBatches} record batches, the file holds ${framing.batchRows.length}`,
            { hint: 'write the file again from its source' },
          );
        }
      }
    } catch (cause) {
      throw describeReadError(path, cause, 'schema');
    }
    if (!schema)
      throw new InputError(`Arrow IPC data ${path} has no schema message`, {
        hint: 'the file is empty or corrupt',
      });
  } finally {
    await handle.close();
  }
  const notes: DatasetNote[] = [];
  const source = options.source ?? path;

  async function* batches(
    opts: { columns?: string[]; signal?: AbortSignal } = {},
  ): AsyncGenerator<RecordBatch> {
    const columns = opts.columns ? checkColumns(schema, opts.columns, source) : undefined;
    const fh = await open(path, 'r');
    try {
      let reader: Awaited<ReturnType<typeof arrow.RecordBatchReader.from>>;
      try {
        reader = await arrow.RecordBatchReader.from(fh);
        await reader.open();
      } catch (cause) {
        throw describeReadError(path, cause, 'schema');
      }
      for (let index = 0; ; index++) {
        opts.signal?.throwIfAborted();
        let next: IteratorResult<RecordBatch>;
        try {
          next = await reader.next();
        } catch (cause) {
          throw describeReadError(path, cause, `record batch ${index}`);
        }
        if (next.done) break;
        validateBatch(next.value, source, index);
        yield columns ? selectColumns(next.value, columns) : next.value;
      }
    } finally {
      await fh.close();
    }
  }

  const dataset: ArrowDataset & { [PARTITIONS]?: () => PartitionPlan } = {
    schema,
    source,
    numRows,
    format,
    notes,
    batches,
  };
  if (format === 'arrow-file' && numBatches !== undefined) {
    const batchCount = numBatches;
    dataset[PARTITIONS] = () => ({ kind: 'arrow-file', path, batchCount, source, size, mtimeMs });
  }
  return dataset;
}
