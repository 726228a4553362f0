/**
 * Worker-thread entry of `collectColumnsInWorker`: opens the dataset's file again, collects the
 * columns into shared memory, and posts the columns' state back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { MlwardenError, openDataset, workerErrorMessage } from '@mlwarden/core';
import { collectColumns } from './_collect-columns.js';
import type { CollectTask, CollectWorkerReply } from './_collect-columns-in-worker.js';

const task = workerData as CollectTask;
const port = parentPort;

async function main(): Promise<CollectWorkerReply> {
  const dataset = await openDataset(task.path, { source: task.source });
  if (dataset.numRows !== task.numRows) {
    throw new MlwardenError(
      'MLW_INPUT_INVALID',
      `${task.source} changed while it was being read (${task.numRows} rows when opened, ${dataset.numRows} now)`,
      { hint: 'read a file that is not being written' },
    );
  }
  let batches = 0;
  const collected = await collectColumns(dataset, {
    numeric: task.numeric,
    categorical: task.categorical,
    maxRows: task.maxRows,
    signal: new AbortController().signal,
    shared: true,
    onBatch: (rows) => {
      if (++batches % 16 === 0)
        port?.postMessage({ type: 'progress', rows } satisfies CollectWorkerReply);
    },
  });
  return {
    type: 'done',
    rows: collected.rows,
    truncated: collected.truncated,
    numeric: [...collected.numeric].map(([name, column]) => [name, column.state()]),
    categorical: [...collected.categorical].map(([name, counter]) => [
      name,
      { counts: counter.counts, rows: counter.rows, nulls: counter.nulls },
    ]),
  };
}

main().then(
  (reply) => port?.postMessage(reply),
  (error: unknown) =>
    port?.postMessage({
      type: 'error',
      error: workerErrorMessage(error),
    } satisfies CollectWorkerReply),
);
