import type { FeatureSpec, ModelTarget } from '@mlwarden/core';
import { EndpointError } from './endpoint-error.js';
import type { RequestStats } from './endpoint-transport.js';
import type { OipClient } from './oip-client.js';
import type { SeldonV1Client } from './seldon-v1-client.js';

/** A client of either protocol. */
export type EndpointClient = OipClient | SeldonV1Client;

const ENDPOINT = Symbol.for('mlwarden.seldon.endpoint');

/** A model target backed by an inference endpoint; the endpoint checks probe its client. */
export interface EndpointModelTarget extends ModelTarget {
  readonly endpoint: EndpointClient;
  /** Requests sent so far, by kind (infer, metadata, …). */
  readonly stats: RequestStats;
}

/** Marks a target as endpoint-backed, recognisably across package copies. */
export function brandEndpointTarget<T extends EndpointModelTarget>(target: T): T {
  Object.defineProperty(target, ENDPOINT, { value: target.endpoint, enumerable: false });
  return target;
}

/** The endpoint client behind a model target built by this package, if it is one. */
export function endpointOf(model: ModelTarget | undefined): EndpointClient | undefined {
  if (model === undefined || model === null) return undefined;
  const client = (model as unknown as Record<symbol, unknown>)[ENDPOINT];
  if (typeof client !== 'object' || client === null) return undefined;
  const protocol = (client as { protocol?: unknown }).protocol;
  return protocol === 'oip' || protocol === 'seldon-v1' ? (client as EndpointClient) : undefined;
}

/** Index of the largest value in each row of an n×k matrix. */
export function argmaxRows(values: ArrayLike<number>, n: number, k: number): Int32Array {
  const labels = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    let best = 0;
    let bestValue = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < k; c++) {
      const v = values[r * k + c] as number;
      if (v > bestValue) {
        bestValue = v;
        best = c;
      }
    }
    labels[r] = best;
  }
  return labels;
}

/** What one request answered for a chunk of rows. */
export interface ChunkPrediction {
  labels: Int32Array;
  probabilities?: { k: number; values: Float32Array };
}

export interface EndpointTargetParts {
  source: string;
  endpoint: EndpointClient;
  /** Feature count, and named features when known. */
  width: number;
  features?: FeatureSpec[];
  dtype: string;
  classes?: string[];
  maxBatchRows: number;
  /** Sends one chunk of `rows` rows and reads its labels and probabilities. */
  predictChunk(data: Float32Array, rows: number, signal?: AbortSignal): Promise<ChunkPrediction>;
}

/**
 * An endpoint-backed classifier target: checks the input, splits it into requests of at most
 * `maxBatchRows` rows, assembles labels and probabilities, and exposes the client's accounting.
 */
export function buildEndpointTarget(parts: EndpointTargetParts): EndpointModelTarget {
  const { endpoint, width: d } = parts;
  const url = endpoint.transport.url;
  const target: EndpointModelTarget = {
    kind: 'classifier',
    source: parts.source,
    inputSpec: parts.features ? { features: parts.features } : { shape: [d], dtype: parts.dtype },
    ...(parts.classes !== undefined && { classes: parts.classes }),
    endpoint,
    get stats() {
      return endpoint.transport.stats;
    },
    queries: {
      get used() {
        return endpoint.transport.gate.used;
      },
      get budget() {
        return endpoint.transport.gate.budget;
      },
    },
    async predict(x, n, options = {}) {
      if (!Number.isInteger(n) || n < 0 || x.length !== n * d) {
        throw new EndpointError(
          'bad-request',
          `predict got ${x.length} values for ${n} rows of ${d} features`,
        );
      }
      const labels = new Int32Array(n);
      let probabilities: Float32Array | undefined;
      let k: number | undefined;
      for (const chunk of rowChunks(x, n, d, parts.maxBatchRows)) {
        const answer = await parts.predictChunk(chunk.data, chunk.rows, options.signal);
        labels.set(answer.labels, chunk.start);
        if (!answer.probabilities) continue;
        if (k !== undefined && answer.probabilities.k !== k) {
          throw new EndpointError(
            'bad-output',
            `${url} changed the number of classes between requests`,
            { url },
          );
        }
        k = answer.probabilities.k;
        probabilities ??= new Float32Array(n * k);
        probabilities.set(answer.probabilities.values, chunk.start * k);
      }
      return probabilities ? { labels, probabilities } : { labels };
    },
  };
  return brandEndpointTarget(target);
}

/** Splits `n` rows of width `d` into chunks of at most `max` rows. */
export function* rowChunks(
  x: Float32Array,
  n: number,
  d: number,
  max: number,
): Generator<{ start: number; rows: number; data: Float32Array }> {
  for (let start = 0; start < n; start += max) {
    const rows = Math.min(max, n - start);
    yield { start, rows, data: x.subarray(start * d, (start + rows) * d) };
  }
}
