/**
 * Worker-thread entry of `numericDriftAll`: computes `numericDrift` for each task it is sent and
 * posts the values back. The samples arrive in SharedArrayBuffers (or as transferred copies).
 */
import { parentPort } from 'node:worker_threads';
import type { DriftTask, DriftWorkerReply } from './_numeric-drift-all.js';
import { numericDrift } from './numeric-drift.js';

const port = parentPort;
port?.on('message', (task: DriftTask) => {
  let reply: DriftWorkerReply;
  try {
    reply = { id: task.id, values: numericDrift(task.reference, task.current, task.settings) };
  } catch (cause) {
    const error = cause instanceof Error ? cause : new Error(String(cause));
    reply = { id: task.id, error: { name: error.name, message: error.message } };
  }
  port.postMessage(reply);
});
