/**
 * Worker-thread entry of `numericDriftAll`: computes `numericDrift` for each task it is sent and
 * posts the values back. The samples arrive in SharedArrayBuffers (or as transferred copies).
 */
import { parentPort } from 'node:worker_threads';
import { workerErrorMessage } from '@mlwarden/core';
import type { DriftTask, DriftWorkerReply } from './_numeric-drift-all.js';
import { numericDrift } from './numeric-drift.js';

const port = parentPort;
port?.on('message', (task: DriftTask) => {
  let reply: DriftWorkerReply;
  try {
    reply = { id: task.id, values: numericDrift(task.reference, task.current, task.settings) };
  } catch (error) {
    reply = { id: task.id, error: workerErrorMessage(error) };
  }
  port.postMessage(reply);
});
