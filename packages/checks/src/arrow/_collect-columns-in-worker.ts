import { Worker } from 'node:worker_threads';
import { errorFromWorker, type WorkerErrorMessage, workerEntry } from '@mlwarden/core';
import { CategoryCounter } from './_category-counter.js';
import type { CollectedColumns } from './_collect-columns.js';
import { NumericColumn, type NumericColumnState } from './_numeric-column.js';

export interface CollectTask {
  path: string;
  source: string;
  numRows: number;
  numeric: string[];
  categorical: string[];
  maxRows: number;
}

export type CollectWorkerReply =
  | { type: 'progress'; rows: number }
  | {
      type: 'done';
      rows: number;
      truncated: boolean;
      numeric: [string, NumericColumnState][];
      categorical: [string, { counts: Map<string, number>; rows: number; nulls: number }][];
    }
  | { type: 'error'; error: WorkerErrorMessage };

/**
 * `collectColumns` of a file-backed dataset on a worker thread, so that two datasets are read at
 * once: the worker opens the file again, collects the numeric values into SharedArrayBuffers and
 * sends back the columns (values shared, not copied) and category counts.
 */
export async function collectColumnsInWorker(
  task: CollectTask,
  options: { signal: AbortSignal; onProgress?: (rows: number) => void },
): Promise<CollectedColumns> {
  options.signal.throwIfAborted();
  const { entry, options: workerOptions } = workerEntry(import.meta.url, '_collect-columns-worker');
  const worker = new Worker(entry, { ...workerOptions, workerData: task });
  let onAbort: (() => void) | undefined;
  try {
    const reply = await new Promise<Extract<CollectWorkerReply, { type: 'done' }>>(
      (resolve, reject) => {
        onAbort = () => reject(options.signal.reason ?? new Error('aborted'));
        options.signal.addEventListener('abort', onAbort, { once: true });
        worker.on('message', (message: CollectWorkerReply) => {
          if (message.type === 'progress') options.onProgress?.(message.rows);
          else if (message.type === 'done') resolve(message);
          else reject(errorFromWorker(message.error, `reading ${task.source}`));
        });
        worker.on('error', reject);
        worker.on('exit', (code) =>
          reject(new Error(`the thread reading ${task.source} exited (code ${code})`)),
        );
      },
    );
    return {
      rows: reply.rows,
      truncated: reply.truncated,
      numeric: new Map(
        reply.numeric.map(([name, state]) => [name, NumericColumn.fromState(state)]),
      ),
      categorical: new Map(
        reply.categorical.map(([name, state]) => [name, CategoryCounter.fromState(state)]),
      ),
    };
  } finally {
    if (onAbort !== undefined) options.signal.removeEventListener('abort', onAbort);
    await worker.terminate();
  }
}
