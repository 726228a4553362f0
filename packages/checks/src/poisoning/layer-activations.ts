import { ConfigError, InputError } from '@mlwarden/core';
import type { FeatureMatrix } from './_feature-matrix.js';
import { importTfjs } from './_import-tfjs.js';
import { loadLayersModel } from './_load-layers-model.js';

export interface LayerActivationOptions {
  /** Path of a TensorFlow.js Layers `model.json` (weight shards beside it). */
  path: string;
  /** Name of the layer whose output is taken. */
  layer: string;
  /** Rows per forward pass (bounds tensor memory). Default 256. */
  batchSize?: number;
  /** Largest total size of the weight shards. Default 256 MiB. */
  maxWeightBytes?: number;
  signal?: AbortSignal;
  onBatch?: (rows: number) => void;
  /** Imports `@tensorflow/tfjs`; replaceable only to provoke a missing package in tests. */
  importTf?: () => Promise<unknown>;
}

export interface LayerActivations {
  /** The activations as a matrix (one column per unit, `layer[j]`), with the input's labels and rows. */
  matrix: FeatureMatrix;
  layer: string;
  /** Values per row the model takes. */
  inputWidth: number;
  /** The TensorFlow.js backend the forward passes ran on. */
  backend: string;
}

const product = (shape: readonly (number | null)[]) =>
  shape.reduce<number>((a, b) => a * (b ?? Number.NaN), 1);

/**
 * Runs the rows of `inputs` (feature columns in the model's input order) through a TensorFlow.js
 * Layers model up to the named layer, in batches, and returns that layer's activations.
 */
export async function layerActivations(
  inputs: FeatureMatrix,
  options: LayerActivationOptions,
): Promise<LayerActivations> {
  const tf = await importTfjs(
    'activations from a TensorFlow.js model (option `model`)',
    options.importTf,
  );
  const batchSize = options.batchSize ?? 256;
  const model = await loadLayersModel(
    tf,
    options.path,
    options.maxWeightBytes ?? 256 * 1024 * 1024,
  );
  try {
    const layer = model.layers.find((l) => l.name === options.layer);
    if (layer === undefined) {
      throw new ConfigError(
        `${options.path} has no layer named "${options.layer}"; its layers are ${model.layers.map((l) => l.name).join(', ')}`,
        { code: 'MLW_MODEL_LAYER_UNKNOWN', hint: 'set `model.layer` to one of those names' },
      );
    }
    const input = model.inputs.length === 1 ? model.inputs[0] : undefined;
    const rowShape = input?.shape.slice(1) ?? [];
    const inputWidth = product(rowShape);
    if (input === undefined || !(inputWidth > 0)) {
      throw new InputError(
        `${options.path}: the model must take one input of fixed shape per row, not ${JSON.stringify(model.inputs.map((i) => i.shape))}`,
        { code: 'MLW_MODEL_INPUT_MISMATCH' },
      );
    }
    if (inputWidth !== inputs.d) {
      throw new InputError(
        `${options.path} takes ${inputWidth} values per row (input shape ${JSON.stringify(input.shape)}), but ${inputs.d} feature columns were given (${inputs.features.slice(0, 10).join(', ')}${inputs.d > 10 ? ', …' : ''})`,
        {
          code: 'MLW_MODEL_INPUT_MISMATCH',
          hint: 'list the model’s input columns in order (option `model.features`), or exclude the columns it does not take',
        },
      );
    }
    const output = layer.output;
    if (Array.isArray(output)) {
      throw new ConfigError(
        `${options.path}: layer "${options.layer}" has ${output.length} outputs; choose a layer with one`,
        { code: 'MLW_MODEL_LAYER_UNKNOWN' },
      );
    }
    const sub = tf.model({ inputs: model.inputs, outputs: output });
    const width = product(output.shape.slice(1));
    if (!(width > 0)) {
      throw new ConfigError(
        `${options.path}: layer "${options.layer}" has output shape ${JSON.stringify(output.shape)}, not a fixed size per row`,
        { code: 'MLW_MODEL_LAYER_UNKNOWN', hint: 'choose a layer with a fixed output shape' },
      );
    }
    const { n, d } = inputs;
    const activations = new Float64Array(n * width);
    const chunk = new Float32Array(Math.min(n, batchSize) * d);
    for (let from = 0; from < n; from += batchSize) {
      options.signal?.throwIfAborted();
      const to = Math.min(n, from + batchSize);
      const rows = to - from;
      for (let t = 0; t < rows * d; t++) chunk[t] = inputs.x[from * d + t] as number;
      const result = tf.tidy(() =>
        sub.predict(
          tf.tensor(chunk.subarray(0, rows * d), [rows, ...(rowShape as number[])], 'float32'),
        ),
      );
      const tensor = Array.isArray(result) ? result[0] : result;
      const values = await (tensor as NonNullable<typeof tensor>).data();
      tf.dispose(result);
      activations.set(values, from * width);
      options.onBatch?.(to);
    }
    const features = Array.from({ length: width }, (_, j) => `${options.layer}[${j}]`);
    return {
      matrix: { ...inputs, d: width, x: activations, features, imputed: {} },
      layer: options.layer,
      inputWidth,
      backend: tf.getBackend(),
    };
  } finally {
    // The sub-model shares the model's layers: disposing the model frees every weight once.
    model.dispose();
  }
}
