import { ConfigError, type ModelTarget } from '@mlwarden/core';
import { QueryBudgetError } from './query-budget-error.js';

export interface QueryLimits {
  /** Most rows (model evaluations) the target may ever be asked for; predict and gradient count. */
  budget?: number;
  /** Most requests started per second. Unlimited when absent. */
  requestsPerSecond?: number;
  /** Most requests in flight at once. Default 4. */
  concurrency?: number;
  /** Most rows in one request; larger calls are split. Unlimited when absent. */
  maxBatchSize?: number;
}

export interface QueryCounts {
  /** Rows sent or reserved for sending; never more than `budget`. */
  readonly used: number;
  readonly budget?: number;
  /** `budget - used`, or undefined when unlimited. */
  readonly remaining?: number;
  /** Requests started. */
  readonly requests: number;
  /** Most requests that were ever in flight at once. */
  readonly peakConcurrency: number;
}

/** A model target whose calls go through a hard budget, a rate limit and a concurrency cap. */
export interface LimitedTarget extends ModelTarget {
  readonly queries: QueryCounts;
  readonly inner: ModelTarget;
}

function checkLimit(name: string, value: number | undefined, min: number): void {
  if (value !== undefined && !(Number.isFinite(value) && value >= min)) {
    throw new ConfigError(`query limit ${name} must be a number >= ${min}, got ${value}`);
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason ?? new Error('aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Wraps any model target so that its budget, rate limit and concurrency cap can never be exceeded,
 * however many attacks call it at once. Rows are reserved synchronously when a call is made: a
 * call that does not fit in what is left of the budget is refused whole with a QueryBudgetError
 * before anything is sent. Reserved rows stay counted even when the request fails, because a
 * remote server may have evaluated them.
 */
export function limitQueries(target: ModelTarget, limits: QueryLimits = {}): LimitedTarget {
  checkLimit('budget', limits.budget, 0);
  checkLimit('requestsPerSecond', limits.requestsPerSecond, Number.MIN_VALUE);
  checkLimit('concurrency', limits.concurrency, 1);
  checkLimit('maxBatchSize', limits.maxBatchSize, 1);
  const budget = limits.budget === undefined ? undefined : Math.floor(limits.budget);
  const concurrency = Math.floor(limits.concurrency ?? 4);
  const interval = limits.requestsPerSecond === undefined ? 0 : 1000 / limits.requestsPerSecond;
  const maxBatch = limits.maxBatchSize === undefined ? Infinity : Math.floor(limits.maxBatchSize);
  let used = 0;
  let requests = 0;
  let inFlight = 0;
  let peak = 0;
  let nextStart = 0;
  const waiting: (() => void)[] = [];

  const reserve = (n: number): void => {
    if (budget !== undefined && used + n > budget) {
      throw new QueryBudgetError(target.source, budget, used, n);
    }
    used += n;
  };

  const acquireSlot = async (signal: AbortSignal | undefined): Promise<void> => {
    while (inFlight >= concurrency) {
      await new Promise<void>((resolve) => waiting.push(resolve));
      signal?.throwIfAborted();
    }
    inFlight++;
    peak = Math.max(peak, inFlight);
    if (interval > 0) {
      const now = performance.now();
      const start = Math.max(now, nextStart);
      nextStart = start + interval;
      try {
        await sleep(start - now, signal);
      } catch (error) {
        releaseSlot();
        throw error;
      }
    }
    requests++;
  };
  const releaseSlot = (): void => {
    inFlight--;
    waiting.shift()?.();
  };

  const run = async <T>(signal: AbortSignal | undefined, call: () => Promise<T>): Promise<T> => {
    signal?.throwIfAborted();
    await acquireSlot(signal);
    try {
      return await call();
    } finally {
      releaseSlot();
    }
  };

  const chunks = (n: number): [number, number][] => {
    const out: [number, number][] = [];
    for (let start = 0; start < n; start += maxBatch)
      out.push([start, Math.min(n, start + maxBatch)]);
    return out;
  };

  const predict: ModelTarget['predict'] = async (x, n, options) => {
    reserve(n);
    if (n === 0) return { labels: new Int32Array(0) };
    const width = x.length / n;
    const parts = await Promise.all(
      chunks(n).map(([from, to]) =>
        run(options?.signal, () =>
          target.predict(x.subarray(from * width, to * width), to - from, options),
        ),
      ),
    );
    if (parts.length === 1) return parts[0] as Awaited<ReturnType<ModelTarget['predict']>>;
    const labels = new Int32Array(n);
    const withProbabilities = parts.every((p) => p.probabilities !== undefined);
    const first = parts[0];
    const classes =
      withProbabilities && first !== undefined
        ? (first.probabilities?.length ?? 0) / first.labels.length
        : 0;
    const probabilities = withProbabilities ? new Float32Array(n * classes) : undefined;
    let offset = 0;
    for (const part of parts) {
      labels.set(part.labels, offset);
      if (probabilities !== undefined && part.probabilities !== undefined) {
        probabilities.set(part.probabilities, offset * classes);
      }
      offset += part.labels.length;
    }
    return probabilities === undefined ? { labels } : { labels, probabilities };
  };

  const gradient = target.gradient
    ? async (x: Float32Array, labels: Int32Array, n: number): Promise<Float32Array> => {
        reserve(n);
        const inner = target.gradient as NonNullable<ModelTarget['gradient']>;
        return run(undefined, () => inner.call(target, x, labels, n));
      }
    : undefined;

  const queries: QueryCounts = {
    get used() {
      return used;
    },
    get budget() {
      return budget;
    },
    get remaining() {
      return budget === undefined ? undefined : budget - used;
    },
    get requests() {
      return requests;
    },
    get peakConcurrency() {
      return peak;
    },
  };

  return {
    kind: target.kind,
    source: target.source,
    inputSpec: target.inputSpec,
    ...(target.classes !== undefined && { classes: target.classes }),
    predict,
    ...(gradient !== undefined && { gradient }),
    queries,
    inner: target,
  };
}
