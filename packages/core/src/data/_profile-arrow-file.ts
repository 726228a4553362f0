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
      const fast = new IpcBatchReader(
        arrow,
        schema,
        reader.dictionaries,
        readAt,
        part.source,
        part.columns,
      );
      for (let index = part.start; index < part.end; index++) {
        options.signal?.throwIfAborted();
        const block = reader.footer.getRecordBatch(index);
        if (!block)
          throw new InputError(`${part.source} has no record batch ${index}`, {
            hint: 'write the file again',
          });
        const batch = await fast.read(index, {
          offset: Number(block.offset),
          metaDataLength: block.metaDataLength,
          bodyLength: Number(block.bodyLength),
        });
        profile.addBatch(batch);
        options.onBatch?.(batch.numRows);
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
