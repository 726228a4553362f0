import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  OptionalDependencyError as CoreOptionalDependencyError,
  MlwardenError,
} from '@mlwarden/core';
import { CheckTester } from '@mlwarden/core/testing';
import * as tf from '@tensorflow/tfjs';
import { makeVector, Table } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { OptionalDependencyError } from '../index.js';
import { createRandom } from '../stats/_random.js';
import { asDataset, gaussian, matrixOf } from './_test-data.js';
import { saveLayersModel } from './_test-layers-model.js';
import { backdoorCheck } from './backdoor-check.js';
import { layerActivations } from './layer-activations.js';

const dir = mkdtempSync(join(tmpdir(), 'mlw-layer-activations-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const D = 6;
const H = 8;
/** Seeded weights: hidden unit 7 reads only feature 5 (the trigger) with a large weight. */
function weights() {
  const random = createRandom(21);
  const kernel = Float32Array.from({ length: D * H }, () => random() - 0.5);
  for (let j = 0; j < D; j++) kernel[j * H + 7] = j === 5 ? 6 : 0;
  const bias = Float32Array.from({ length: H }, () => (random() - 0.5) / 10);
  const out = Float32Array.from({ length: H * 2 }, () => random() - 0.5);
  return { kernel, bias, out };
}

/** Saves a small MLP (6 → Dense 8 relu "hidden" → Dense 2 softmax "scores") as model.json + weights.bin. */
async function saveModel(folder: string): Promise<string> {
  const { kernel, bias, out } = weights();
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [D], units: H, activation: 'relu', name: 'hidden' }),
      tf.layers.dense({ units: 2, activation: 'softmax', name: 'scores' }),
    ],
  });
  model.setWeights([
    tf.tensor2d(kernel, [D, H]),
    tf.tensor1d(bias),
    tf.tensor2d(out, [H, 2]),
    tf.zeros([2]),
  ]);
  const path = await saveLayersModel(model, folder);
  model.dispose();
  return path;
}

const modelPath = await saveModel(dir);

/** Rows of D features in [-1, 1]; planted rows (class 1, i % 25 === 1) carry feature 5 = 1. */
function data(n: number) {
  const random = createRandom(5);
  const normal = gaussian(random);
  const x = new Float64Array(n * D);
  const y = new Int32Array(n);
  const poison: number[] = [];
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    for (let j = 0; j < 5; j++) x[i * D + j] = normal() * 0.5 + (j === y[i] ? 1 : 0);
    const planted = y[i] === 1 && i % 25 === 1;
    x[i * D + 5] = planted ? 1 : 0;
    if (planted) poison.push(i);
  }
  return { x, y, poison };
}

const matrix = (x: Float64Array, y: Int32Array) => matrixOf(x, y, D, ['0', '1']);

describe('layerActivations', () => {
  it('returns the named layer’s outputs, the same for any batch size', async () => {
    const { x, y } = data(300);
    const result = await layerActivations(matrix(x, y), { path: modelPath, layer: 'hidden' });
    expect(result.matrix.d).toBe(H);
    expect(result.matrix.features[0]).toBe('hidden[0]');
    expect(result.inputWidth).toBe(D);
    // relu(x·W + b) computed here from the same float32 weights.
    const { kernel, bias } = weights();
    let worst = 0;
    for (let i = 0; i < 300; i++) {
      for (let u = 0; u < H; u++) {
        let s = bias[u] as number;
        for (let j = 0; j < D; j++)
          s += Math.fround(x[i * D + j] as number) * (kernel[j * H + u] as number);
        worst = Math.max(worst, Math.abs(Math.max(0, s) - (result.matrix.x[i * H + u] as number)));
      }
    }
    expect(worst).toBeLessThan(1e-5);
    const small = await layerActivations(matrix(x, y), {
      path: modelPath,
      layer: 'hidden',
      batchSize: 7,
    });
    expect(small.matrix.x).toEqual(result.matrix.x);
    // The probabilities layer has two units summing to 1.
    const scores = await layerActivations(matrix(x, y), { path: modelPath, layer: 'scores' });
    expect((scores.matrix.x[0] as number) + (scores.matrix.x[1] as number)).toBeCloseTo(1, 5);
  });

  it('names the layers when the layer is unknown, and the widths when they differ', async () => {
    const { x, y } = data(10);
    await expect(
      layerActivations(matrix(x, y), { path: modelPath, layer: 'embedding' }),
    ).rejects.toMatchObject({
      code: 'MLW_MODEL_LAYER_UNKNOWN',
      message: expect.stringContaining(
        'has no layer named "embedding"; its layers are hidden, scores',
      ),
    });
    const narrow = { ...matrix(x.slice(0, 50), y), d: 5, features: ['f0', 'f1', 'f2', 'f3', 'f4'] };
    await expect(
      layerActivations(narrow, { path: modelPath, layer: 'hidden' }),
    ).rejects.toMatchObject({
      code: 'MLW_MODEL_INPUT_MISMATCH',
      message: expect.stringContaining(
        'takes 6 values per row (input shape [null,6]), but 5 feature columns',
      ),
    });
  });

  it('refuses weight shards outside the model folder and oversized weights', async () => {
    const folder = mkdtempSync(join(dir, 'escape-'));
    const json = JSON.parse(readFileSync(modelPath, 'utf8'));
    json.weightsManifest[0].paths = ['../weights.bin'];
    writeFileSync(join(folder, 'model.json'), JSON.stringify(json));
    const { x, y } = data(10);
    await expect(
      layerActivations(matrix(x, y), { path: join(folder, 'model.json'), layer: 'hidden' }),
    ).rejects.toThrow(/weight shard "..\/weights.bin" is not a file inside the model's folder/);
    await expect(
      layerActivations(matrix(x, y), { path: modelPath, layer: 'hidden', maxWeightBytes: 100 }),
    ).rejects.toMatchObject({ code: 'MLW_LIMIT_EXCEEDED' });
    await expect(
      layerActivations(matrix(x, y), { path: join(folder, 'absent.json'), layer: 'hidden' }),
    ).rejects.toMatchObject({ code: 'MLW_INPUT_NOT_FOUND' });
  });

  it('refuses a graph model, which has no named layers, and says how to export a Layers model', async () => {
    const folder = mkdtempSync(join(dir, 'graph-'));
    const path = join(folder, 'model.json');
    writeFileSync(path, JSON.stringify({ modelTopology: { node: [] }, weightsManifest: [] }));
    const { x, y } = data(10);
    await expect(layerActivations(matrix(x, y), { path, layer: 'hidden' })).rejects.toMatchObject({
      code: 'MLW_INPUT_INVALID',
      message: `${path} is a TensorFlow.js graph model, which has no named layers`,
      hint: expect.stringContaining('--output_format tfjs_layers_model'),
    });
  });

  it('says which npm package to install when @tensorflow/tfjs is missing', async () => {
    const { x, y } = data(10);
    const absent = '@tensorflow/tfjs-not-installed-anywhere';
    const error = await layerActivations(matrix(x, y), {
      path: modelPath,
      layer: 'hidden',
      importTf: () => import(absent),
    }).catch((e: unknown) => e);
    expect(MlwardenError.isInstance(error)).toBe(true);
    // The class @mlwarden/checks has always exported is core's, so either import catches it.
    expect(OptionalDependencyError).toBe(CoreOptionalDependencyError);
    expect(error).toBeInstanceOf(OptionalDependencyError);
    expect(error).toMatchObject({
      name: 'OptionalDependencyError',
      code: 'MLW_DEPENDENCY_MISSING',
      packageName: '@tensorflow/tfjs',
      hint: 'run `npm install @tensorflow/tfjs` in the project that runs mlwarden',
    });
  });
});

describe('poisoning.backdoor with a TensorFlow.js model layer', () => {
  const tester = new CheckTester(backdoorCheck);
  const table = (x: Float64Array, y: Int32Array) => {
    const n = y.length;
    const columns = Object.fromEntries(
      Array.from({ length: D }, (_, j) => [
        `f${j}`,
        makeVector(Float64Array.from({ length: n }, (_, i) => x[i * D + j] as number)),
      ]),
    );
    return new Table({
      id: makeVector(Int32Array.from({ length: n }, (_, i) => i)),
      ...columns,
      label: makeVector(y),
    });
  };

  /** The check with the model's default inputs: every numeric column but the label and id. */
  const runExcludingId = (x: Float64Array, y: Int32Array) =>
    tester.run({
      inputs: { dataset: asDataset(table(x, y)) },
      options: {
        label: 'label',
        exclude: ['id'],
        columns: [],
        model: { path: modelPath, layer: 'hidden' },
      },
    });

  it('finds the planted rows in the hidden layer’s activations', async () => {
    const { x, y, poison } = data(1000);
    const result = await tester.run({
      inputs: { dataset: asDataset(table(x, y)) },
      options: {
        label: 'label',
        columns: [],
        model: { path: modelPath, layer: 'hidden', features: ['f0', 'f1', 'f2', 'f3', 'f4', 'f5'] },
      },
    });
    expect(result.status).toBe('fail');
    const clusters = result.findings.filter((f) => f.ruleId.endsWith('/activation-cluster'));
    expect(clusters).toHaveLength(1);
    expect(clusters[0]?.message).toMatch(
      /^20 of the 500 rows labelled "1" \(4\.00%\) fall in a small cluster when k-means splits the 8 activations of layer "hidden" into 2 \(cluster sizes 480 \/ 20, silhouette /,
    );
    expect([...(clusters[0]?.location?.rows ?? [])].sort((a, b) => a - b)).toEqual(poison);
    expect(result.metrics.representation).toMatchObject({
      source: 'model',
      layer: 'hidden',
      width: 8,
      rows: 1000,
      nonFiniteRows: 0,
    });
    const suspicious = result.metrics.suspiciousRows as { row: number; label: string }[];
    expect(suspicious.map((s) => s.row).sort((a, b) => a - b)).toEqual(poison);
    const classes = result.metrics.activationClustering as Record<string, { flagged: boolean }>;
    expect(classes['0']?.flagged).toBe(false);
  });

  it('fails with the input width when the default columns do not fit the model', async () => {
    const { x, y } = data(100);
    // The default model inputs are every numeric column but the label: id and f0…f5, 7 values.
    const result = await tester.run({
      inputs: { dataset: asDataset(table(x, y)) },
      options: { label: 'label', columns: [], model: { path: modelPath, layer: 'hidden' } },
    });
    expect(result.status).toBe('error');
    expect(result.error?.message).toMatch(
      /takes 6 values per row .* but 7 feature columns were given \(id, f0/,
    );
    const excluded = await runExcludingId(x, y);
    expect(excluded.status).not.toBe('error');
  });

  it('reports rows whose activations overflow, and analyses the rest', async () => {
    const { x, y, poison } = data(1000);
    // 1e38 in the trigger feature times weight 6 overflows float32 to infinity.
    x[0 * D + 5] = 1e38;
    const result = await runExcludingId(x, y);
    const bad = result.findings.filter((f) => f.ruleId.endsWith('/non-finite-activations'));
    expect(bad).toHaveLength(1);
    expect(bad[0]?.location?.rows).toEqual([0]);
    expect(result.metrics.representation).toMatchObject({ rows: 999, nonFiniteRows: 1 });
    const clusters = result.findings.filter((f) => f.ruleId.endsWith('/activation-cluster'));
    expect([...(clusters[0]?.location?.rows ?? [])].sort((a, b) => a - b)).toEqual(poison);
  });

  it('refuses embeddings and a model together', async () => {
    const { x, y } = data(50);
    const result = await tester.run({
      inputs: { dataset: asDataset(table(x, y)) },
      options: { label: 'label', embeddings: ['f0'], model: { path: modelPath, layer: 'hidden' } },
    });
    expect(result.status).toBe('error');
    expect(result.error?.message).toMatch(/`embeddings` and `model` both name representations/);
  });
});
