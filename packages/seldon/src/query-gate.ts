import { EndpointError } from './endpoint-error.js';

export interface QueryGateOptions {
  /** Requests that may ever be sent through this gate. Unlimited when absent. */
  budget?: number;
  /** Requests in flight at once. Default 4. */
  concurrency?: number;
  /** Request starts per second. Unlimited when absent. */
  ratePerSecond?: number;
}

/** A permit to send one request; call exactly one of `sent` (it went out) or `cancel`. */
export interface QueryPermit {
  /** The request is being written to the network: it counts as used. */
  sent(): void;
  /** Frees the concurrency slot; call when the response is complete or failed. */
  done(): void;
  /** Nothing was sent: give the budget unit back. Also frees the slot. */
  cancel(): void;
}

/**
 * Budget, concurrency and rate limit for requests to one endpoint.
 *
 * Accounting is exact: a permit reserves one unit of budget synchronously when it is asked for,
 * so concurrent callers can never together exceed the budget; a permit whose request never left
 * gives its unit back. `used` counts requests that were sent, retries included.
 */
export interface QueryGate {
  readonly used: number;
  readonly budget: number | undefined;
  /** Units neither used nor reserved; `undefined` when unlimited. */
  readonly remaining: number | undefined;
  acquire(signal?: AbortSignal): Promise<QueryPermit>;
  /** A gate with its own (smaller) budget whose requests also count against this one. */
  child(options: { budget?: number }): QueryGate;
}

interface Reservation {
  remaining(): number | undefined;
  reserve(): void;
  unreserve(): void;
  markSent(): void;
  canReserve(): boolean;
  describe(): string;
}

function checkCount(name: string, value: number | undefined, min: number): void {
  if (value !== undefined && (!Number.isFinite(value) || value < min)) {
    throw new EndpointError('bad-request', `${name} must be a number >= ${min}, got ${value}`);
  }
}

function makeBudget(budget: number | undefined, parent: Reservation | undefined) {
  let reserved = 0;
  let used = 0;
  const self: Reservation & { used: () => number } = {
    remaining: () => {
      const own = budget === undefined ? undefined : Math.max(0, budget - reserved);
      const up = parent?.remaining();
      if (own === undefined) return up;
      return up === undefined ? own : Math.min(own, up);
    },
    canReserve: () => (budget === undefined || reserved < budget) && (parent?.canReserve() ?? true),
    reserve: () => {
      reserved++;
      parent?.reserve();
    },
    unreserve: () => {
      reserved--;
      parent?.unreserve();
    },
    markSent: () => {
      used++;
      parent?.markSent();
    },
    describe: () =>
      budget !== undefined && reserved >= budget
        ? `the query budget of ${budget} requests is used up`
        : (parent?.describe() ?? 'the query budget is used up'),
    used: () => used,
  };
  return self;
}

export function createQueryGate(options: QueryGateOptions = {}): QueryGate {
  checkCount('budget', options.budget, 0);
  checkCount('concurrency', options.concurrency, 1);
  if (options.ratePerSecond !== undefined)
    checkCount('ratePerSecond', options.ratePerSecond, 0.001);
  const concurrency = Math.floor(options.concurrency ?? 4);
  const interval = options.ratePerSecond ? 1000 / options.ratePerSecond : 0;
  let active = 0;
  let nextStart = 0;
  const waiters: Array<() => void> = [];

  const releaseSlot = () => {
    active--;
    const next = waiters.shift();
    if (next) next();
  };

  const waitSlot = (signal?: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      if (active < concurrency) {
        active++;
        resolve();
        return;
      }
      const onAbort = () => {
        const at = waiters.indexOf(grant);
        if (at >= 0) waiters.splice(at, 1);
        reject(abortError(signal));
      };
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        active++;
        resolve();
      };
      waiters.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });

  const waitRate = async (signal?: AbortSignal) => {
    if (interval === 0) return;
    const now = performance.now();
    const at = Math.max(now, nextStart);
    nextStart = at + interval;
    const delay = at - now;
    if (delay > 0) await sleep(delay, signal);
  };

  const build = (budget: number | undefined, parent: Reservation | undefined): QueryGate => {
    checkCount('budget', budget, 0);
    const account = makeBudget(budget === undefined ? undefined : Math.floor(budget), parent);
    const gate: QueryGate = {
      get used() {
        return account.used();
      },
      budget,
      get remaining() {
        return account.remaining();
      },
      async acquire(signal) {
        if (signal?.aborted) throw abortError(signal);
        if (!account.canReserve()) {
          throw new EndpointError(
            'budget-exhausted',
            `${account.describe()}; no request was sent`,
            {
              hint: 'raise the budget, or ask for fewer queries',
            },
          );
        }
        account.reserve();
        let slot = false;
        try {
          await waitSlot(signal);
          slot = true;
          await waitRate(signal);
        } catch (error) {
          account.unreserve();
          if (slot) releaseSlot();
          throw error;
        }
        let state: 'held' | 'sent' | 'closed' = 'held';
        return {
          sent() {
            if (state !== 'held') return;
            state = 'sent';
            account.markSent();
          },
          done() {
            if (state === 'closed') return;
            if (state === 'held') account.unreserve();
            state = 'closed';
            releaseSlot();
          },
          cancel() {
            if (state === 'closed') return;
            if (state === 'held') account.unreserve();
            state = 'closed';
            releaseSlot();
          },
        };
      },
      child: (opts) => build(opts.budget, account),
    };
    return gate;
  };
  return build(options.budget, undefined);
}

function abortError(signal: AbortSignal | undefined): EndpointError {
  return new EndpointError('aborted', 'the request was cancelled before it was sent', {
    cause: signal?.reason,
  });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
