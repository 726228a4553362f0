import { readSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import type { RecordBatch } from 'apache-arrow';
import { InputError } from '../errors/input-error.js';
import { selectColumns, validateBatch } from './_batch-utils.js';
import { flatSchema, IpcBatchReader } from './_ipc-batch-reader.js';
import { loadArrow } from './_load-arrow.js';
import type { SketchOptions } from './column-profile.js';
import { DatasetProfile } from './dataset-profile.js';

export interface ArrowFilePart {
  path: string;
  source: string;
  /** Size and modification time when the dataset was opened and its framing checked. */
  size: number;
  mtimeMs: number;
  /** Record batches [start, end) to profile. */
  start: number;
  end: number;
  columns?: string[];
  sketch: SketchOptions;
  partition: number;
}

function unreadable(source: string, cause: unknown): InputError {
  return new InputError(`cannot read ${source}: ${(cause as Error).message}`, {
    cause,
    hint: 'the file is corrupt or truncated; write it again from its source',
  });
}

/**
 * Profiles record batches [start, end) of an Arrow IPC file. Flat schemas go through
 * {@link IpcBatchReader} (one reused buffer; blocking reads in worker threads, where nothing else
 * waits), others through Arrow JS's reader.
 */
export async function profileArrowFilePart(
  part: ArrowFilePart,
  options: { blocking: boolean; onBatch?: (rows: number) => void; signal?: AbortSignal },
): Promise<DatasetProfile> {
  const arrow = await loadArrow();
  const profile = new DatasetProfile(part.sketch, part.partition);
  const handle: FileHandle = await open(part.path, 'r');
  try {
    const info = await handle.stat();
    if (info.size !== part.size || info.mtimeMs !== part.mtimeMs) {
      throw new InputError(`${part.source} changed after it was opened`, {
        hint: 'profile a file that is not being written; open the dataset again',
      });
    }
    let reader: Awaited<ReturnType<typeof arrow.RecordBatchReader.from>>;
    try {
      reader = await arrow.RecordBatchReader.from(handle);
      await reader.open();
    } catch (cause) {
      throw unreadable(part.source, cause);
    }
    const schema = reader.schema;
    if (flatSchema(schema) && reader.footer) {
      const fd = handle.fd;
      const readAt = options.blocking
        ? (buffer: Uint8Array, length: number, position: number) =>
            readSync(fd, buffer, 0, length, position)
        : async (buffer: Uint8Array, length: number, position: number) =>
            (await handle.read(buffer, 0, length, position)).bytesRead;
      // Asynchronous reads run on libuv's thread pool: with two readers (each with its own
      // buffer) the next batch is read while this one is profiled.
      const readers = [0, 1].map(
        () =>
          new IpcBatchReader(arrow, schema, reader.dictionaries, readAt, part.source, part.columns),
      );
      const footer = reader.footer;
      const readBatch = (index: number) => {
        const block = footer.getRecordBatch(index);
        if (!block)
          throw new InputError(`${part.source} has no record batch ${index}`, {
            hint: 'write the file again',
          });
        return (readers[options.blocking ? 0 : index & 1] as IpcBatchReader).read(index, {
          offset: Number(block.offset),
          metaDataLength: block.metaDataLength,
          bodyLength: Number(block.bodyLength),
        });
      };
      let next = part.start < part.end ? readBatch(part.start) : undefined;
      for (let index = part.start; index < part.end; index++) {
        options.signal?.throwIfAborted();
        const batch = await (next as ReturnType<typeof readBatch>);
        const more = index + 1 < part.end;
        if (more && !options.blocking) {
          next = readBatch(index + 1);
          // Handled when awaited; this keeps an early rejection from being reported as unhandled.
          next.catch(() => undefined);
        }
        profile.addBatch(batch);
        options.onBatch?.(batch.numRows);
        // A blocking read uses the one buffer that `batch` points into: only after profiling it.
        if (more && options.blocking) next = readBatch(index + 1);
      }
      return profile;
    }
    for (let index = part.start; index < part.end; index++) {
      options.signal?.throwIfAborted();
      let batch: RecordBatch | null;
      try {
        batch = await reader.readRecordBatch(index);
      } catch (cause) {
        throw unreadable(part.source, cause);
      }
      if (!batch)
        throw new InputError(`${part.source} has no record batch ${index}`, {
          hint: 'write the file again',
        });
      validateBatch(batch, part.source, index);
      profile.addBatch(part.columns ? selectColumns(batch, part.columns) : batch);
      options.onBatch?.(batch.numRows);
    }
    return profile;
  } finally {
    await handle.close();
  }
}
