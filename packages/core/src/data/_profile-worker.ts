/**
 * Worker-thread entry of `profileDataset`: profiles one partition and posts its profile as JSON.
 * Mode `file`: reads record batches [start, end) of an Arrow IPC file by index (random access
 * through the footer), so each worker reads only its own part of the file. Mode `stream`:
 * receives record batches as IPC stream bytes from the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type WorkerErrorMessage, workerErrorMessage } from '../workers/worker-error.js';
import { loadArrow } from './_load-arrow.js';
import { type ArrowFilePart, profileArrowFilePart } from './_profile-arrow-file.js';
import type { SketchOptions } from './column-profile.js';
import { DatasetProfile } from './dataset-profile.js';

export interface FileTask extends ArrowFilePart {
  mode: 'file';
}

export interface StreamTask {
  mode: 'stream';
  sketch: SketchOptions;
  partition: number;
}

export type WorkerReply =
  | { type: 'progress'; rows: number; batches: number }
  | { type: 'done'; profile: ReturnType<DatasetProfile['toJSON']> }
  | { type: 'error'; error: WorkerErrorMessage };

const port = parentPort;

function fail(error: unknown): void {
  port?.postMessage({ type: 'error', error: workerErrorMessage(error) } satisfies WorkerReply);
}

async function runFile(task: FileTask): Promise<void> {
  const profile = await profileArrowFilePart(task, {
    blocking: true,
    onBatch: (rows) =>
      port?.postMessage({ type: 'progress', rows, batches: 1 } satisfies WorkerReply),
  });
  port?.postMessage({ type: 'done', profile: profile.toJSON() } satisfies WorkerReply);
}

async function runStream(task: StreamTask): Promise<void> {
  const arrow = await loadArrow();
  const profile = new DatasetProfile(task.sketch, task.partition);
  port?.on('message', (message: { type: 'batch'; bytes: Uint8Array } | { type: 'end' }) => {
    try {
      if (message.type === 'end') {
        port.postMessage({ type: 'done', profile: profile.toJSON() } satisfies WorkerReply);
        port.close();
        return;
      }
      const table = arrow.tableFromIPC(message.bytes);
      for (const batch of table.batches) profile.addBatch(batch);
      port.postMessage({ type: 'progress', rows: table.numRows, batches: 1 } satisfies WorkerReply);
    } catch (error) {
      fail(error);
    }
  });
}

const task = workerData as FileTask | StreamTask;
(task.mode === 'file' ? runFile(task) : runStream(task)).catch(fail);
