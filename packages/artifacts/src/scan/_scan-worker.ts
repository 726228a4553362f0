/**
 * Worker-thread entry of `createScanPool`: scans the chunks of local files it is sent as
 * `scanPaths` would (small files read ahead, then one at a time; large ones a few at once, also
 * across the chunks it holds) and posts each chunk's results.
 */
import { parentPort } from 'node:worker_threads';
import { workerErrorMessage } from '@mlwarden/core';
import { scanFiles } from './_scan-files.js';
import { SmallFileLane } from './_small-file-lane.js';
import { localArtifactFile, readAhead } from './scan-file.js';
import type { ScanChunk, ScanRequest, ScanWorkerReply } from './scan-pool.js';

const port = parentPort;
if (port === null) throw new Error('_scan-worker runs on a worker thread');

/** Cancels the scans of the pool's current `scanPaths` call. */
let call = new AbortController();
/** The chunks this thread holds are scanned at once, their small files one at a time. */
const lane = new SmallFileLane();

async function scanChunk({ id, files, options }: ScanChunk): Promise<ScanWorkerReply> {
  const signal = call.signal;
  const started = performance.now();
  try {
    const local = await Promise.all(files.map(([path, rel]) => localArtifactFile(path, rel)));
    readAhead(local);
    const results = await scanFiles(local.values(), { ...options, signal }, undefined, lane);
    return { type: 'done', id, results, ms: performance.now() - started };
  } catch (error) {
    return { type: 'error', id, error: workerErrorMessage(error) };
  }
}

port.on('message', (message: ScanRequest) => {
  if (message.type === 'begin') call = new AbortController();
  else if (message.type === 'abort') call.abort();
  else void scanChunk(message).then((reply) => port.postMessage(reply));
});
port.postMessage({ type: 'ready' } satisfies ScanWorkerReply);
