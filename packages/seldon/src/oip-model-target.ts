import type { FeatureSpec } from '@mlwarden/core';
import { EndpointError } from './endpoint-error.js';
import {
  argmaxRows,
  buildEndpointTarget,
  type EndpointModelTarget,
} from './endpoint-model-target.js';
import type { OipClient, OipModelMetadata, OipRequestedOutput } from './oip-client.js';
import type { OipOutputTensor, OipParameters } from './oip-tensor.js';

export interface OipTargetOptions {
  /** Name of the input tensor. Default: the first input in the model metadata, else `input-0`. */
  inputName?: string;
  /** Datatype the rows are sent as. Default: the metadata's, else `FP32`. */
  datatype?: 'FP32' | 'FP64';
  /** Feature count, or named features. Default: the last dimension of the metadata's input. */
  features?: number | FeatureSpec[];
  /** Class names, in the order of the probability columns. */
  classes?: string[];
  /** Output holding the predicted labels; `null` to take the argmax of the probabilities. Default `predict`. */
  labelsOutput?: string | null;
  /** Output holding class probabilities; `null` when the model has none. Default `predict_proba`. */
  probabilitiesOutput?: string | null;
  /** Name the wanted outputs in each request (MLServer only computes what it is asked for). Default true. */
  requestOutputs?: boolean;
  /** Rows per request; larger batches are split. Default 256. */
  maxBatchRows?: number;
  /** Request-level parameters sent with every inference. */
  parameters?: OipParameters;
}

function featureCount(options: OipTargetOptions, metadata?: OipModelMetadata): number | undefined {
  if (typeof options.features === 'number') return options.features;
  if (Array.isArray(options.features)) return options.features.length;
  const input = metadata?.inputs.find((i) => i.name === options.inputName) ?? metadata?.inputs[0];
  const last = input?.shape[input.shape.length - 1];
  return last !== undefined && last > 0 && input && input.shape.length >= 2 ? last : undefined;
}

/**
 * A classifier behind an OIP endpoint as a model target: `predict` sends the rows as one input
 * tensor `[rows, features]` and reads labels (`predict`) and probabilities (`predict_proba`) —
 * the outputs of MLServer's scikit-learn runtime; other servers name theirs with the options.
 *
 * Labels that are strings are mapped to their index in `classes`; numeric labels are used as they
 * are. Every request counts against the client's budget; `queries.used` is the client's count.
 */
export function createOipModelTarget(
  client: OipClient,
  options: OipTargetOptions = {},
  metadata?: OipModelMetadata,
): EndpointModelTarget {
  const d = featureCount(options, metadata);
  if (d === undefined || !Number.isInteger(d) || d < 1) {
    throw new EndpointError(
      'bad-request',
      `the number of features of model "${client.model}" is unknown: its metadata declares no input shape`,
      { hint: 'pass options.features (a count or feature specs)' },
    );
  }
  const metaInput = metadata?.inputs[0];
  const inputName = options.inputName ?? metaInput?.name ?? 'input-0';
  const datatype =
    options.datatype ??
    (metaInput?.datatype === 'FP64' || metaInput?.datatype === 'FP32'
      ? metaInput.datatype
      : 'FP32');
  const labelsOutput = options.labelsOutput === undefined ? 'predict' : options.labelsOutput;
  const probsOutput =
    options.probabilitiesOutput === undefined ? 'predict_proba' : options.probabilitiesOutput;
  if (labelsOutput === null && probsOutput === null) {
    throw new EndpointError(
      'bad-request',
      'labelsOutput and probabilitiesOutput cannot both be null',
    );
  }
  const maxRows = Math.max(1, Math.floor(options.maxBatchRows ?? 256));
  const wanted: OipRequestedOutput[] = [];
  if (labelsOutput !== null) wanted.push({ name: labelsOutput });
  if (probsOutput !== null) wanted.push({ name: probsOutput });
  const classes = options.classes;
  const url = client.transport.url;

  const readLabels = (t: OipOutputTensor, rows: number): Int32Array => {
    const ok =
      t.data.length === rows &&
      (t.shape.length === 1 || (t.shape.length === 2 && t.shape[1] === 1));
    if (!ok) {
      throw new EndpointError(
        'bad-output',
        `output "${t.name}" from ${url} has shape [${t.shape.join(', ')}]; expected [${rows}] or [${rows}, 1]`,
        { url },
      );
    }
    const out = new Int32Array(rows);
    t.data.forEach((v, i) => {
      if (typeof v === 'string' || typeof v === 'boolean') {
        const index = classes?.indexOf(String(v)) ?? -1;
        if (index < 0) {
          throw new EndpointError(
            'bad-output',
            `label "${String(v)}" from ${url} is not one of the known classes`,
            { url, hint: 'pass options.classes in the order of the probability columns' },
          );
        }
        out[i] = index;
      } else if (Number.isInteger(v)) {
        if (classes && (v < 0 || v >= classes.length)) {
          throw new EndpointError(
            'bad-output',
            `label ${v} from ${url} is outside the ${classes.length} classes`,
            { url },
          );
        }
        out[i] = v;
      } else {
        throw new EndpointError(
          'bad-output',
          `label ${v} from ${url} is not an integer class index`,
          {
            url,
            hint: 'a regressor has no labels; this target supports classifiers',
          },
        );
      }
    });
    return out;
  };

  const readProbabilities = (
    t: OipOutputTensor,
    rows: number,
  ): { k: number; values: Float32Array } => {
    const k = t.shape[1];
    if (t.shape.length !== 2 || t.shape[0] !== rows || k === undefined || k < 1) {
      throw new EndpointError(
        'bad-output',
        `output "${t.name}" from ${url} has shape [${t.shape.join(', ')}]; expected [${rows}, classes]`,
        { url },
      );
    }
    if (classes && k !== classes.length) {
      throw new EndpointError(
        'bad-output',
        `output "${t.name}" from ${url} has ${k} columns for ${classes.length} classes`,
        { url },
      );
    }
    return { k, values: Float32Array.from(t.data as number[]) };
  };

  return buildEndpointTarget({
    source: `${url}${client.modelPath()}`,
    endpoint: client,
    width: d,
    ...(Array.isArray(options.features) && { features: options.features }),
    dtype: datatype,
    ...(classes !== undefined && { classes }),
    maxBatchRows: maxRows,
    async predictChunk(data, rows, signal) {
      const response = await client.infer(
        {
          ...(options.parameters !== undefined && { parameters: options.parameters }),
          inputs: [{ name: inputName, shape: [rows, d], datatype, data: Array.from(data) }],
          ...(options.requestOutputs !== false && { outputs: wanted }),
        },
        signal ? { signal } : {},
      );
      const find = (name: string | null) =>
        name === null ? undefined : response.outputs.find((t) => t.name === name);
      const labelTensor = find(labelsOutput);
      const probTensor = find(probsOutput);
      if (!labelTensor && !probTensor) {
        throw new EndpointError(
          'bad-output',
          `inference response from ${url} has neither "${labelsOutput}" nor "${probsOutput}" (got ${response.outputs.map((t) => t.name).join(', ')})`,
          { url, hint: 'name the outputs with options.labelsOutput / options.probabilitiesOutput' },
        );
      }
      const probabilities = probTensor ? readProbabilities(probTensor, rows) : undefined;
      const labels = labelTensor
        ? readLabels(labelTensor, rows)
        : argmaxRows(probabilities?.values ?? [], rows, probabilities?.k ?? 1);
      return probabilities ? { labels, probabilities } : { labels };
    },
  });
}

/** Reads the model metadata (one request) and builds the target from it and the options. */
export async function connectOipModelTarget(
  client: OipClient,
  options: OipTargetOptions = {},
  signal?: AbortSignal,
): Promise<EndpointModelTarget> {
  const needMetadata =
    options.features === undefined ||
    options.inputName === undefined ||
    options.datatype === undefined;
  const metadata = needMetadata ? await client.modelMetadata(signal) : undefined;
  return createOipModelTarget(client, options, metadata);
}
