import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { RecordBatch } from 'apache-arrow';
import { InputError } from '../errors/input-error.js';
import { MlwardenError } from '../errors/mlwarden-error.js';
import type { Dataset } from '../inputs.js';
import { workerEntry } from '../workers/worker-entry.js';
import { errorFromWorker } from '../workers/worker-error.js';
import type { SchemaLike } from './_arrow-shape.js';
import { loadArrow } from './_load-arrow.js';
import { type PartitionPlan, partitionPlanOf } from './_partitions.js';
import type { FileTask, StreamTask, WorkerReply } from './_profile-worker.js';
import type { SketchOptions } from './column-profile.js';
import { DatasetProfile, datasetProfileFromJSON } from './dataset-profile.js';
import { transientBatches } from './transient-batches.js';

export interface ProfileProgress {
  rows: number;
  batches: number;
  /** Known for partitioned files (Arrow IPC files). */
  totalBatches?: number;
}

export interface ProfileDatasetOptions extends SketchOptions {
  /** Columns to profile (default: all). Unselected columns are not decoded where the format allows. */
  columns?: string[];
  signal?: AbortSignal;
  onProgress?: (progress: ProfileProgress) => void;
  /**
   * Worker threads. 0 (default) profiles in the calling thread; `'auto'` uses one per core.
   * Arrow IPC files are split by record batch and each worker reads its own batches; other
   * datasets are read by the calling thread and their batches profiled by the workers.
   */
  workers?: number | 'auto';
}

/** Yields the items of `source`, asking for the next one before the consumer works on the current. */
async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  let next = it.next();
  try {
    for (;;) {
      const current = await next;
      if (current.done) return;
      next = it.next();
      yield current.value;
    }
  } finally {
    await it.return?.();
  }
}

/**
 * Profiles every column of a dataset in one streaming pass (see `ColumnProfile` for the fields
 * and their error bounds). With `workers`, partitions are profiled in parallel worker threads and
 * merged: the result equals a single pass exactly for counts, nulls, min and max, to rounding for
 * moments, and within the sketches' bounds for quantiles, distinct counts and top-k.
 */
export async function profileDataset(
  dataset: Dataset,
  options: ProfileDatasetOptions = {},
): Promise<DatasetProfile> {
  const { columns, signal, onProgress } = options;
  const sketch: SketchOptions = {
    ...(options.quantileK === undefined ? {} : { quantileK: options.quantileK }),
    ...(options.distinctPrecision === undefined
      ? {}
      : { distinctPrecision: options.distinctPrecision }),
    ...(options.topKCapacity === undefined ? {} : { topKCapacity: options.topKCapacity }),
    seed: options.seed ?? 0,
  };
  const workers = options.workers === 'auto' ? availableParallelism() : (options.workers ?? 0);
  if (!Number.isInteger(workers) || workers < 0) {
    throw new InputError(
      `workers must be a non-negative integer or 'auto', got ${String(options.workers)}`,
    );
  }
  signal?.throwIfAborted();
  if (workers > 0) {
    const plan = partitionPlanOf(dataset);
    if (plan && plan.batchCount > 0) {
      return profilePartitions(plan, workers, sketch, options, selectedSchema(dataset, columns));
    }
    return profileThroughWorkers(dataset, workers, sketch, options);
  }
  const plan = partitionPlanOf(dataset);
  const profile = new DatasetProfile(sketch, 0).addFields(selectedSchema(dataset, columns));
  const progress: ProfileProgress = {
    rows: 0,
    batches: 0,
    ...(plan !== undefined && { totalBatches: plan.batchCount }),
  };
  const read = { ...(columns ? { columns } : {}), ...(signal ? { signal } : {}) };
  // An Arrow IPC file is read into reused buffers, the next batch while this one is profiled;
  // other sources read one batch ahead.
  const batches = plan ? transientBatches(dataset, read) : readAhead(dataset.batches(read));
  for await (const batch of batches) {
    signal?.throwIfAborted();
    profile.addBatch(batch);
    progress.rows += batch.numRows;
    progress.batches++;
    onProgress?.({ ...progress });
  }
  return profile;
}

function selectedSchema(dataset: Dataset, columns: readonly string[] | undefined): SchemaLike {
  const fields = dataset.schema.fields as unknown as SchemaLike['fields'];
  if (!columns) return { fields };
  const wanted = new Set(columns);
  return { fields: fields.filter((f) => wanted.has(f.name)) };
}

interface RunningWorker {
  worker: Worker;
  done: Promise<DatasetProfile>;
}

function startWorker(
  task: FileTask | StreamTask,
  onReply: (reply: Extract<WorkerReply, { type: 'progress' }>) => void,
): RunningWorker {
  const { entry, options } = workerEntry(import.meta.url, '_profile-worker');
  const worker = new Worker(entry, { ...options, workerData: task });
  const done = new Promise<DatasetProfile>((resolve, reject) => {
    let settled = false;
    worker.on('message', (reply: WorkerReply) => {
      if (reply.type === 'progress') onReply(reply);
      else if (reply.type === 'done') {
        settled = true;
        resolve(datasetProfileFromJSON(reply.profile));
        void worker.terminate();
      } else {
        settled = true;
        reject(errorFromWorker(reply.error, 'profile worker failed'));
        void worker.terminate();
      }
    });
    worker.on('error', (error) => {
      settled = true;
      reject(
        MlwardenError.isInstance(error)
          ? error
          : new Error(`profile worker crashed: ${error.message}`, { cause: error }),
      );
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`profile worker exited with code ${code} before finishing`));
    });
  });
  return { worker, done };
}

async function collect(
  running: RunningWorker[],
  signal: AbortSignal | undefined,
  schema: SchemaLike,
  sketch: SketchOptions,
  feed?: { done: Promise<void>; stop(): void },
): Promise<DatasetProfile> {
  const stopAll = () => {
    feed?.stop();
    for (const r of running) void r.worker.terminate();
  };
  const aborted = new Promise<never>((_, reject) => {
    if (!signal) return;
    const onAbort = () => {
      stopAll();
      reject(signal.reason);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const parts = await Promise.race([
      Promise.all([...running.map((r) => r.done), feed?.done]),
      aborted,
    ]);
    const profiles = parts.filter((p): p is DatasetProfile => p instanceof DatasetProfile);
    // Merge in partition order: the result depends only on the data, the options and `workers`.
    const merged = new DatasetProfile(sketch, 0).addFields(schema);
    for (const p of profiles) merged.merge(p);
    return merged;
  } catch (error) {
    stopAll();
    throw error;
  }
}

async function profilePartitions(
  plan: PartitionPlan,
  workers: number,
  sketch: SketchOptions,
  options: ProfileDatasetOptions,
  schema: SchemaLike,
): Promise<DatasetProfile> {
  const count = Math.min(workers, plan.batchCount);
  const progress: ProfileProgress = { rows: 0, batches: 0, totalBatches: plan.batchCount };
  const running: RunningWorker[] = [];
  for (let w = 0; w < count; w++) {
    const start = Math.floor((plan.batchCount * w) / count);
    const end = Math.floor((plan.batchCount * (w + 1)) / count);
    const task: FileTask = {
      mode: 'file',
      path: plan.path,
      source: plan.source,
      size: plan.size,
      mtimeMs: plan.mtimeMs,
      start,
      end,
      ...(options.columns ? { columns: options.columns } : {}),
      sketch,
      partition: w,
    };
    running.push(
      startWorker(task, (reply) => {
        progress.rows += reply.rows;
        progress.batches += reply.batches;
        options.onProgress?.({ ...progress });
      }),
    );
  }
  return collect(running, options.signal, schema, sketch);
}

/** Other datasets: the calling thread reads batches and ships them as IPC bytes to the workers. */
async function profileThroughWorkers(
  dataset: Dataset,
  workers: number,
  sketch: SketchOptions,
  options: ProfileDatasetOptions,
): Promise<DatasetProfile> {
  const arrow = await loadArrow();
  const progress: ProfileProgress = { rows: 0, batches: 0 };
  const inFlight: number[] = [];
  const waiters: (() => void)[] = [];
  const running: RunningWorker[] = [];
  for (let w = 0; w < workers; w++) {
    inFlight.push(0);
    running.push(
      startWorker({ mode: 'stream', sketch, partition: w }, (reply) => {
        inFlight[w]!--;
        progress.rows += reply.rows;
        progress.batches += reply.batches;
        options.onProgress?.({ ...progress });
        waiters.shift()?.();
      }),
    );
  }
  let stopped = false;
  const done = (async () => {
    let next = 0;
    for await (const batch of dataset.batches({
      ...(options.columns ? { columns: options.columns } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    })) {
      while (!stopped && inFlight.every((n) => n >= 2)) {
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
      if (stopped) return; // leaving the loop closes the dataset's reader
      let w = next;
      while (inFlight[w]! >= 2) w = (w + 1) % workers;
      next = (w + 1) % workers;
      const bytes = arrow.tableToIPC(new arrow.Table([batch as RecordBatch]), 'stream');
      inFlight[w]!++;
      running[w]!.worker.postMessage({ type: 'batch', bytes }, [bytes.buffer as ArrayBuffer]);
    }
    for (const r of running) r.worker.postMessage({ type: 'end' });
  })();
  const stop = () => {
    stopped = true;
    for (const wake of waiters.splice(0)) wake();
  };
  done.catch(() => {
    for (const r of running) void r.worker.terminate();
  });
  return collect(running, options.signal, selectedSchema(dataset, options.columns), sketch, {
    done,
    stop,
  });
}
