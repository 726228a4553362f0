import { Worker } from 'node:worker_threads';
import { errorFromWorker, type WorkerErrorMessage, workerEntry } from '@mlwarden/core';
import {
  type NumericDriftSettings,
  type NumericDriftValues,
  numericDrift,
} from './numeric-drift.js';

export interface DriftTask {
  id: number;
  reference: readonly Float64Array[];
  current: readonly Float64Array[];
  settings: NumericDriftSettings;
}

export type DriftWorkerReply =
  | { id: number; values: NumericDriftValues }
  | { id: number; error: WorkerErrorMessage };

export interface DriftAllOptions {
  /** Worker threads to use; 1 computes on the calling thread. */
  workers: number;
  signal: AbortSignal;
  /** Called as each column finishes, with the number finished so far. */
  onDone?: (done: number) => void;
}

/** A chunk a worker can read: shared memory as it is, anything else as a transferable copy. */
function portable(chunks: readonly Float64Array[], transfer: ArrayBuffer[]): Float64Array[] {
  return chunks.map((chunk) => {
    if (chunk.buffer instanceof SharedArrayBuffer) return chunk;
    const copy = chunk.slice();
    transfer.push(copy.buffer);
    return copy;
  });
}

/**
 * `numericDrift` of every column pair, spread over worker threads when `workers` > 1. Each column
 * is computed whole by one thread with the same code, so the values do not depend on the number
 * of workers. Results come back in the order of `columns`.
 */
export async function numericDriftAll(
  columns: readonly { reference: readonly Float64Array[]; current: readonly Float64Array[] }[],
  settings: NumericDriftSettings,
  options: DriftAllOptions,
): Promise<NumericDriftValues[]> {
  const results: NumericDriftValues[] = new Array(columns.length);
  const threads = Math.min(options.workers, columns.length);
  if (threads <= 1) {
    for (let i = 0; i < columns.length; i++) {
      options.signal.throwIfAborted();
      const column = columns[i] as (typeof columns)[number];
      results[i] = numericDrift(column.reference, column.current, settings);
      options.onDone?.(i + 1);
    }
    return results;
  }
  const { entry, options: workerOptions } = workerEntry(import.meta.url, '_numeric-drift-worker');
  const workers: Worker[] = [];
  let onAbort: (() => void) | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      let next = 0;
      let done = 0;
      let failed = false;
      const fail = (error: Error) => {
        if (failed) return;
        failed = true;
        reject(error);
      };
      onAbort = () => fail(options.signal.reason ?? new Error('aborted'));
      if (options.signal.aborted) return onAbort();
      options.signal.addEventListener('abort', onAbort, { once: true });
      const send = (worker: Worker) => {
        if (failed || next >= columns.length) return;
        const id = next++;
        const column = columns[id] as (typeof columns)[number];
        const transfer: ArrayBuffer[] = [];
        const task: DriftTask = {
          id,
          reference: portable(column.reference, transfer),
          current: portable(column.current, transfer),
          settings,
        };
        worker.postMessage(task, transfer);
      };
      for (let t = 0; t < threads; t++) {
        const worker = new Worker(entry, workerOptions);
        workers.push(worker);
        worker.on('message', (reply: DriftWorkerReply) => {
          if ('error' in reply) {
            return fail(errorFromWorker(reply.error, `drift of column ${reply.id + 1}`));
          }
          results[reply.id] = reply.values;
          done++;
          options.onDone?.(done);
          if (done === columns.length) resolve();
          else send(worker);
        });
        worker.on('error', fail);
        worker.on('exit', (code) => {
          // Terminating the pool after the last result is not a failure.
          if (done < columns.length) fail(new Error(`a drift worker thread exited (code ${code})`));
        });
        send(worker);
      }
    });
  } finally {
    if (onAbort !== undefined) options.signal.removeEventListener('abort', onAbort);
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
