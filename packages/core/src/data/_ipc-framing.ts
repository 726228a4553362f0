import type { FileHandle } from 'node:fs/promises';
import { InputError } from '../errors/input-error.js';
import type { ArrowModule } from './_load-arrow.js';

export interface IpcFraming {
  /** Row count of each record batch, in file order. */
  batchRows: number[];
  /** Byte offset of each record batch message. */
  batchOffsets: number[];
}

/**
 * Walks the message framing of an Arrow IPC file or stream — continuation marker, metadata
 * length, flatbuffer header, body length — without reading bodies, and checks that every message
 * lies inside the file. Arrow JS trusts these lengths; a corrupt one can make it allocate the
 * claimed size or loop without end, so nothing is handed to it before this check passes.
 */
export async function walkIpcFraming(
  arrow: ArrowModule,
  handle: FileHandle,
  path: string,
  start: number,
  end: number,
  stream: boolean,
): Promise<IpcFraming> {
  // A stream must open with its schema and close with an end-of-stream marker; a file keeps its
  // schema in the footer (Arrow JS does not repeat it in front) and the marker is optional.
  const requireEos = stream;
  const hint = 'the file is corrupt or truncated; write it again from its source';
  const fail = (what: string, at: number) =>
    new InputError(`Arrow IPC data ${path} is corrupt at byte ${at}: ${what}`, { hint });
  const head = new Uint8Array(8);
  const view = new DataView(head.buffer);
  const batchRows: number[] = [];
  const batchOffsets: number[] = [];
  let pos = start;
  let sawSchema = false;
  for (;;) {
    if (pos === end && !requireEos) break;
    if (pos + 4 > end) {
      throw new InputError(
        `Arrow IPC data ${path} is truncated: it ends at byte ${end} inside message framing`,
        { hint },
      );
    }
    const { bytesRead } = await handle.read(head, 0, Math.min(8, end - pos), pos);
    let metaLength = view.getInt32(0, true);
    let prefix = 4;
    if (metaLength === -1) {
      if (bytesRead < 8) throw fail('message length is cut off', pos);
      metaLength = view.getInt32(4, true);
      prefix = 8;
    }
    if (metaLength === 0) break; // end-of-stream marker
    if (metaLength < 0 || pos + prefix + metaLength > end)
      throw fail(`message metadata length ${metaLength} runs past the end`, pos);
    const meta = new Uint8Array(metaLength);
    await handle.read(meta, 0, metaLength, pos + prefix);
    let message: InstanceType<ArrowModule['Message']>;
    try {
      message = arrow.Message.decode(meta);
    } catch (cause) {
      throw fail(`unreadable message header (${(cause as Error).message})`, pos);
    }
    const bodyLength = Number(message.bodyLength);
    const bodyStart = pos + prefix + metaLength;
    if (!Number.isSafeInteger(bodyLength) || bodyLength < 0 || bodyStart + bodyLength > end) {
      throw fail(`message body of ${String(message.bodyLength)} bytes runs past the end`, pos);
    }
    if (message.isSchema()) sawSchema = true;
    else if (message.isRecordBatch()) {
      let rows: number;
      try {
        rows = Number(message.header().length);
      } catch (cause) {
        throw fail(`unreadable record batch header (${(cause as Error).message})`, pos);
      }
      if (!Number.isSafeInteger(rows) || rows < 0)
        throw fail(`record batch claims ${rows} rows`, pos);
      batchRows.push(rows);
      batchOffsets.push(pos);
    } else if (!message.isDictionaryBatch()) {
      throw fail(`unexpected message type ${message.headerType}`, pos);
    }
    pos = bodyStart + bodyLength;
  }
  if (stream && !sawSchema)
    throw new InputError(`Arrow IPC data ${path} has no schema message`, { hint });
  return { batchRows, batchOffsets };
}
