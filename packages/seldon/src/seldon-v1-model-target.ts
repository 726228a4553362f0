import type { FeatureSpec } from '@mlwarden/core';
import { EndpointError } from './endpoint-error.js';
import {
  argmaxRows,
  buildEndpointTarget,
  type EndpointModelTarget,
} from './endpoint-model-target.js';
import type { SeldonMessage, SeldonV1Client } from './seldon-v1-client.js';

export interface SeldonV1TargetOptions {
  /** Feature count, or named features (their names are sent as `data.names`). */
  features: number | FeatureSpec[];
  /** Class names, in the order of the probability columns. */
  classes?: string[];
  /** Payload form. Default `tensor`; the Seldon Python wrapper answers in the form it was sent. */
  payload?: 'tensor' | 'ndarray';
  /**
   * What the model returns: `probabilities` (n×k; SKLEARN_SERVER's default `predict_proba`),
   * `labels` (n or n×1; `method: predict`), or `auto` (n×k with k > 1 is probabilities).
   */
  output?: 'auto' | 'probabilities' | 'labels';
  /** Rows per request. Default 256. */
  maxBatchRows?: number;
}

/**
 * A classifier behind a Seldon Core v1 deployment as a model target. Labels are the argmax of
 * the returned probabilities, or the returned labels for models that answer with labels.
 */
export function createSeldonV1ModelTarget(
  client: SeldonV1Client,
  options: SeldonV1TargetOptions,
): EndpointModelTarget {
  const d = typeof options.features === 'number' ? options.features : options.features.length;
  if (!Number.isInteger(d) || d < 1)
    throw new EndpointError('bad-request', 'features must be a positive count');
  const names = Array.isArray(options.features) ? options.features.map((f) => f.name) : undefined;
  const maxRows = Math.max(1, Math.floor(options.maxBatchRows ?? 256));
  const output = options.output ?? 'auto';
  const classes = options.classes;
  const url = client.transport.url;

  return buildEndpointTarget({
    source: url,
    endpoint: client,
    width: d,
    ...(Array.isArray(options.features) && { features: options.features }),
    dtype: 'FP64',
    ...(classes !== undefined && { classes }),
    maxBatchRows: maxRows,
    async predictChunk(chunk, rows, signal) {
      const values = Array.from(chunk);
      const data: SeldonMessage['data'] =
        options.payload === 'ndarray'
          ? { ndarray: Array.from({ length: rows }, (_, r) => values.slice(r * d, (r + 1) * d)) }
          : { tensor: { shape: [rows, d], values } };
      if (names) data.names = names;
      const prediction = await client.predict({ data }, signal ? { signal } : {});
      const [got, cols = 1, ...rest] = prediction.shape;
      if (got !== rows || rest.length > 0) {
        throw new EndpointError(
          'bad-output',
          `prediction from ${url} has shape [${prediction.shape.join(', ')}] for ${rows} rows`,
          { url },
        );
      }
      if (output === 'probabilities' || (output === 'auto' && cols > 1)) {
        if (classes && cols !== classes.length) {
          throw new EndpointError(
            'bad-output',
            `prediction from ${url} has ${cols} columns for ${classes.length} classes`,
            { url },
          );
        }
        return {
          labels: argmaxRows(prediction.values, rows, cols),
          probabilities: { k: cols, values: Float32Array.from(prediction.values) },
        };
      }
      if (cols !== 1) {
        throw new EndpointError(
          'bad-output',
          `prediction from ${url} has ${cols} columns; labels need 1`,
          { url },
        );
      }
      const labels = new Int32Array(rows);
      prediction.values.forEach((v, i) => {
        if (!Number.isInteger(v)) {
          throw new EndpointError(
            'bad-output',
            `label ${v} from ${url} is not an integer class index`,
            { url },
          );
        }
        labels[i] = v;
      });
      return { labels };
    },
  });
}
