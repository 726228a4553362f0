import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  errorFromWorker,
  MlwardenError,
  UsageError,
  type WorkerErrorMessage,
  workerEntry,
} from '@mlwarden/core';
import { isLocalEntry, localEntries } from '../local-artifact-set.js';
import { type ScanOptions, scanArtifactFile } from './scan-file.js';
import type { ScanResult } from './scan-result.js';

/** What a pool's scans accept: everything but custom handlers (code cannot cross threads). */
export type PoolScanOptions = Omit<ScanOptions, 'handlers'>;

/** Scans on worker threads that stay loaded (and warm) between calls. */
export interface ScanPool {
  /** Worker threads in the pool. */
  readonly threads: number;
  /**
   * `scanPaths` on the pool's threads: the same results, in the same order. Calls on one pool run
   * one after another.
   */
  scanPaths(paths: readonly string[], options?: PoolScanOptions): Promise<ScanResult[]>;
  /** Stops the threads; a scan under way rejects. */
  close(): Promise<void>;
}

/** Messages to a scan worker. */
export type ScanRequest = { type: 'begin' } | { type: 'abort' } | ScanChunk;

/** Local files to scan, as `[path on disk, path to report]`. */
export interface ScanChunk {
  type: 'chunk';
  id: number;
  files: [string, string][];
  options: Omit<PoolScanOptions, 'signal'>;
}

/** Messages from a scan worker. */
export type ScanWorkerReply =
  | { type: 'ready' }
  | { type: 'done'; id: number; results: ScanResult[] /** Time the chunk took. */; ms: number }
  | { type: 'error'; id: number; error: WorkerErrorMessage };

/**
 * Most files per message to a thread: a message costs tens of microseconds, a small file about 50.
 * The walk does not know file sizes (files are read where they are scanned), so chunks start at one
 * file and double until the first chunk comes back; then they hold about `CHUNK_MS` of scanning by
 * the time files have taken so far, so that large files are spread over the threads one by one.
 */
const CHUNK_FILES = 64;
const CHUNK_MS = 5;
/** Chunks a thread holds at once: the next one is there when it finishes one. */
const CHUNKS_PER_THREAD = 2;

interface PoolThread {
  worker: Worker;
  inflight: number;
}

interface Pending {
  thread: PoolThread;
  resolve: (done: { results: ScanResult[]; ms: number }) => void;
  reject: (error: Error) => void;
}

/**
 * Starts `threads` worker threads (default: one per available core), each with the scanner loaded,
 * for many scans of many files: a registry gate, a service, a benchmark. The calling thread only
 * walks the directories and hands out files in chunks. Close the pool when done; idle threads do
 * not keep the process alive.
 */
export async function createScanPool(options: { threads?: number } = {}): Promise<ScanPool> {
  const count = options.threads ?? availableParallelism();
  if (!Number.isInteger(count) || count < 1) {
    throw new UsageError(`a scan pool needs at least one thread (got ${count})`);
  }
  const { entry, options: workerOptions } = workerEntry(import.meta.url, '_scan-worker');
  const threads: PoolThread[] = [];
  const pending = new Map<number, Pending>();
  let stopped: Error | undefined;
  const stop = (error: Error): void => {
    stopped ??= error;
    for (const p of pending.values()) p.reject(stopped);
    pending.clear();
  };
  const ready = Array.from({ length: count }, () => {
    const worker = new Worker(entry, workerOptions);
    const thread: PoolThread = { worker, inflight: 0 };
    threads.push(thread);
    return new Promise<void>((resolve, reject) => {
      worker.on('message', (message: ScanWorkerReply) => {
        if (message.type === 'ready') {
          resolve();
          return;
        }
        const p = pending.get(message.id);
        if (p === undefined) return;
        pending.delete(message.id);
        p.thread.inflight--;
        if (message.type === 'done') p.resolve(message);
        else p.reject(errorFromWorker(message.error, 'scan thread failed'));
      });
      worker.on('error', (error) => {
        reject(error);
        stop(new Error(`a scan thread failed: ${error.message}`, { cause: error }));
      });
      worker.on('exit', (code) => {
        reject(new Error(`a scan thread exited while starting (code ${code})`));
        stop(
          new MlwardenError('MLW_USAGE', `the scan pool is closed (a thread exited, code ${code})`),
        );
      });
    });
  });
  try {
    await Promise.all(ready);
  } catch (error) {
    await Promise.all(threads.map((t) => t.worker.terminate()));
    throw error;
  }
  for (const t of threads) t.worker.unref();

  /** The thread holding the fewest chunks, if one can take another. */
  const free = (): PoolThread | undefined => {
    let best: PoolThread | undefined;
    for (const t of threads) {
      if (t.inflight < CHUNKS_PER_THREAD && (best === undefined || t.inflight < best.inflight))
        best = t;
    }
    return best;
  };

  let nextId = 0;
  const send = (thread: PoolThread, chunk: Omit<ScanChunk, 'type' | 'id'>) =>
    new Promise<{ results: ScanResult[]; ms: number }>((resolve, reject) => {
      if (stopped !== undefined) {
        reject(stopped);
        return;
      }
      const id = nextId++;
      pending.set(id, { thread, resolve, reject });
      thread.inflight++;
      thread.worker.postMessage({ type: 'chunk', id, ...chunk } satisfies ScanChunk);
    });

  const run = async (paths: readonly string[], options: PoolScanOptions): Promise<ScanResult[]> => {
    if (stopped !== undefined) throw stopped;
    const { signal, ...rest } = options;
    if ('handlers' in rest) {
      throw new UsageError('a scan pool scans with the default formats only (no handlers)');
    }
    const results: ScanResult[] = [];
    const inflight = new Set<Promise<void>>();
    let failure: { error: unknown } | undefined;
    let scannedFiles = 0;
    let scannedMs = 0;
    let chunkFiles = 1;
    const nextChunkFiles = (): number => {
      if (scannedFiles === 0) return Math.min(CHUNK_FILES, chunkFiles * 2);
      const perFile = scannedMs / scannedFiles;
      return Math.max(1, Math.min(CHUNK_FILES, Math.round(CHUNK_MS / Math.max(perFile, 1e-3))));
    };
    const dispatch = async (indexes: number[], files: [string, string][]): Promise<void> => {
      let thread = free();
      while (thread === undefined) {
        await Promise.race(inflight);
        thread = free();
      }
      const done: Promise<void> = send(thread, { files, options: rest }).then(
        (chunk) => {
          chunk.results.forEach((r, k) => {
            results[indexes[k] as number] = r;
          });
          scannedFiles += files.length;
          scannedMs += chunk.ms;
          inflight.delete(done);
        },
        (error: unknown) => {
          failure ??= { error };
          inflight.delete(done);
        },
      );
      inflight.add(done);
    };
    const onAbort = (): void => {
      for (const t of threads) t.worker.postMessage({ type: 'abort' } satisfies ScanRequest);
    };
    for (const t of threads) {
      t.worker.ref();
      t.worker.postMessage({ type: 'begin' } satisfies ScanRequest);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    try {
      let index = 0;
      let indexes: number[] = [];
      let files: [string, string][] = [];
      walk: for (const path of paths) {
        for await (const item of localEntries(path, signal)) {
          if (failure !== undefined) break walk;
          const at = index++;
          if (!isLocalEntry(item)) {
            // A link out of the directory: reported, never read, so scanned here.
            results[at] = await scanArtifactFile(item, options);
            continue;
          }
          indexes.push(at);
          files.push([item.local, item.rel]);
          if (files.length >= chunkFiles) {
            chunkFiles = nextChunkFiles();
            await dispatch(indexes, files);
            indexes = [];
            files = [];
          }
        }
      }
      if (files.length > 0 && failure === undefined) await dispatch(indexes, files);
    } catch (error) {
      failure ??= { error };
    } finally {
      await Promise.all(inflight);
      signal?.removeEventListener('abort', onAbort);
      for (const t of threads) t.worker.unref();
    }
    if (failure !== undefined) throw failure.error;
    return results;
  };

  let serial: Promise<unknown> = Promise.resolve();
  return {
    threads: count,
    scanPaths(paths, options = {}) {
      const call = serial.then(() => run(paths, options));
      serial = call.catch(() => undefined);
      return call;
    },
    async close() {
      stop(new MlwardenError('MLW_USAGE', 'the scan pool is closed'));
      await Promise.all(threads.map((t) => t.worker.terminate()));
    },
  };
}
