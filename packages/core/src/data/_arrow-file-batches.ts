import { readSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import type { RecordBatch } from 'apache-arrow';
import { InputError } from '../errors/input-error.js';
import type { RecordBatchLike } from './_arrow-shape.js';
import { selectColumns, validateBatch } from './_batch-utils.js';
import { flatSchema, IpcBatchReader } from './_ipc-batch-reader.js';
import { loadArrow } from './_load-arrow.js';

export interface ArrowFileRange {
  path: string;
  source: string;
  /** Size and modification time when the dataset was opened and its framing checked. */
  size: number;
  mtimeMs: number;
  /** Record batches [start, end) to read. */
  start: number;
  end: number;
  columns?: string[];
}

function unreadable(source: string, cause: unknown): InputError {
  return new InputError(`cannot read ${source}: ${(cause as Error).message}`, {
    cause,
    hint: 'the file is corrupt or truncated; write it again from its source',
  });
}

/**
 * Record batches [start, end) of an Arrow IPC file. Flat schemas go through
 * {@link IpcBatchReader}: reused buffers, so **each batch is valid only until the next one is
 * requested**; asynchronous reads (libuv's thread pool) alternate between two readers so that the
 * next batch is read while the caller works on this one, blocking reads (for worker threads,
 * where nothing else waits) use one. Other schemas go through Arrow JS's reader.
 */
export async function* arrowFileBatches(
  range: ArrowFileRange,
  options: { blocking: boolean; signal?: AbortSignal },
): AsyncGenerator<RecordBatchLike | RecordBatch> {
  const arrow = await loadArrow();
  const handle: FileHandle = await open(range.path, 'r');
  try {
    const info = await handle.stat();
    if (info.size !== range.size || info.mtimeMs !== range.mtimeMs) {
      throw new InputError(`${range.source} changed after it was opened`, {
        hint: 'read a file that is not being written; open the dataset again',
      });
    }
    let reader: Awaited<ReturnType<typeof arrow.RecordBatchReader.from>>;
    try {
      reader = await arrow.RecordBatchReader.from(handle);
      await reader.open();
    } catch (cause) {
      throw unreadable(range.source, cause);
    }
    const schema = reader.schema;
    const footer = reader.footer;
    if (flatSchema(schema) && footer) {
      const fd = handle.fd;
      const readAt = options.blocking
        ? (buffer: Uint8Array, length: number, position: number) =>
            readSync(fd, buffer, 0, length, position)
        : async (buffer: Uint8Array, length: number, position: number) =>
            (await handle.read(buffer, 0, length, position)).bytesRead;
      const readers = [0, 1].map(
        () =>
          new IpcBatchReader(
            arrow,
            schema,
            reader.dictionaries,
            readAt,
            range.source,
            range.columns,
          ),
      );
      const readBatch = (index: number) => {
        const block = footer.getRecordBatch(index);
        if (!block)
          throw new InputError(`${range.source} has no record batch ${index}`, {
            hint: 'write the file again',
          });
        return (readers[options.blocking ? 0 : index & 1] as IpcBatchReader).read(index, {
          offset: Number(block.offset),
          metaDataLength: block.metaDataLength,
          bodyLength: Number(block.bodyLength),
        });
      };
      let next = range.start < range.end ? readBatch(range.start) : undefined;
      for (let index = range.start; index < range.end; index++) {
        options.signal?.throwIfAborted();
        const batch = await (next as ReturnType<typeof readBatch>);
        const more = index + 1 < range.end;
        if (more && !options.blocking) {
          next = readBatch(index + 1);
          // Handled when awaited; this keeps an early rejection from being reported as unhandled.
          next.catch(() => undefined);
        }
        yield batch;
        // A blocking read reuses the one buffer that `batch` points into: only after it is used.
        if (more && options.blocking) next = readBatch(index + 1);
      }
      return;
    }
    for (let index = range.start; index < range.end; index++) {
      options.signal?.throwIfAborted();
      let batch: RecordBatch | null;
      try {
        batch = await reader.readRecordBatch(index);
      } catch (cause) {
        throw unreadable(range.source, cause);
      }
      if (!batch)
        throw new InputError(`${range.source} has no record batch ${index}`, {
          hint: 'write the file again',
        });
      validateBatch(batch, range.source, index);
      yield range.columns ? selectColumns(batch, range.columns) : batch;
    }
  } finally {
    await handle.close();
  }
}
