import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scaledFixture, sliceRows } from '../test/_datasets.js';
import { sequentialModel } from '../test/_models.js';
import { MissingGradientError } from './missing-gradient-error.js';
import { fgsm } from './pgd.js';
import { runEvasion } from './run-evasion.js';
import { initTfBackend } from './tf-backend.js';
import { createTfModelTarget, type TfModelTarget } from './tf-model-target.js';

let dir: string;

async function saveModel(model: tf.LayersModel, to: string): Promise<void> {
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      await writeFile(join(to, 'weights.bin'), new Uint8Array(artifacts.weightData as ArrayBuffer));
      await writeFile(
        join(to, 'model.json'),
        JSON.stringify({
          format: 'layers-model',
          modelTopology: artifacts.modelTopology,
          weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
        }),
      );
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlwarden-tfjs-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('createTfModelTarget', () => {
  it('reports the backend it runs on: tfjs-node when installed, else WebAssembly', async () => {
    const info = await initTfBackend();
    let nodeBinding = true;
    try {
      createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
    } catch {
      nodeBinding = false;
    }
    expect(info.name).toBe(nodeBinding ? 'tensorflow' : 'wasm');
    if (!nodeBinding)
      expect(info.skipped).toEqual(['tensorflow: @tensorflow/tfjs-node is not installed']);
  });

  it('multiplies by transposed operands exactly as by explicitly transposed ones', () => {
    const a = tf.randomUniform([3, 5, 4], -1, 1, 'float32', 1);
    const b = tf.randomUniform([3, 6, 5], -1, 1, 'float32', 2);
    const fast = tf.matMul(a, b, true, true);
    const plain = tf.matMul(tf.transpose(a, [0, 2, 1]), tf.transpose(b, [0, 2, 1]));
    expect(fast.shape).toEqual([3, 4, 6]);
    expect(Array.from(fast.dataSync())).toEqual(
      Array.from(plain.dataSync()).map((v) => expect.closeTo(v, 5)),
    );
    // And against a product computed here, element by element.
    const av = a.arraySync() as number[][][];
    const bv = b.arraySync() as number[][][];
    const got = fast.arraySync() as number[][][];
    let expected = 0;
    for (let k = 0; k < 5; k++)
      expected += (av[1]?.[k]?.[2] as number) * (bv[1]?.[3]?.[k] as number);
    expect(got[1]?.[2]?.[3]).toBeCloseTo(expected, 5);
  });

  it('loads a model.json from disk and predicts like the model it was saved from', async () => {
    const model = sequentialModel([4], [{ type: 'dense', units: 8, activation: 'relu' }], 3, 1);
    model.add(tf.layers.softmax());
    await saveModel(model, dir);
    const target = await createTfModelTarget({
      model: join(dir, 'model.json'),
      classes: ['a', 'b', 'c'],
    });
    const x = Float32Array.from({ length: 20 }, (_, i) => Math.sin(i));
    const expected = (model.predict(tf.tensor2d(x, [5, 4])) as tf.Tensor).dataSync();
    const got = await target.predict(x, 5);
    expect(Array.from(got.probabilities ?? [])).toEqual(
      Array.from(expected).map((v) => expect.closeTo(v, 6)),
    );
    expect(target.inputSpec).toEqual({ shape: [4], dtype: 'float32' });
    expect(target.queries.used).toBe(5);
    target.dispose();
  });

  it('computes the cross-entropy gradient, matching finite differences', async () => {
    const model = sequentialModel([3], [{ type: 'dense', units: 5, activation: 'relu' }], 2, 7);
    const target = await createTfModelTarget({ model, output: 'logits' });
    const x = Float32Array.from([0.3, -0.2, 0.8]);
    const y = Int32Array.from([1]);
    const g = await target.gradient(x, y, 1);
    for (let j = 0; j < 3; j++) {
      const h = 1e-2;
      const up = Float32Array.from(x);
      const down = Float32Array.from(x);
      up[j] = (up[j] as number) + h;
      down[j] = (down[j] as number) - h;
      const numeric =
        (((await target.loss(up, y, 1))[0] as number) -
          ((await target.loss(down, y, 1))[0] as number)) /
        (2 * h);
      expect(g[j]).toBeCloseTo(numeric, 2);
    }
  });

  it('refuses weight paths that leave the model directory, missing files and oversized weights', async () => {
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    json.weightsManifest[0].paths = ['../../etc/passwd'];
    await writeFile(join(dir, 'evil.json'), JSON.stringify(json));
    await expect(createTfModelTarget({ model: join(dir, 'evil.json') })).rejects.toThrow(
      /weight shard "..\/..\/etc\/passwd" is not a file inside the model's folder/,
    );
    await expect(createTfModelTarget({ model: join(dir, 'missing.json') })).rejects.toMatchObject({
      code: 'MLW_INPUT_NOT_FOUND',
    });

    await expect(
      createTfModelTarget({ model: join(dir, 'model.json'), maxWeightBytes: 10 }),
    ).rejects.toMatchObject({
      code: 'MLW_LIMIT_EXCEEDED',
      hint: expect.stringContaining('option `maxWeightBytes`'),
    });
  });
});

const tfjsFixtures = join(dirname(fileURLToPath(import.meta.url)), '../test/__fixtures__/tfjs');

describe('graph models (converted by tensorflowjs_converter)', () => {
  let layers: TfModelTarget;
  let graph: TfModelTarget;
  let rows: { x: Float32Array; y: Int32Array; n: number };

  beforeAll(async () => {
    layers = await createTfModelTarget({ model: join(tfjsFixtures, 'digits-layers/model.json') });
    graph = await createTfModelTarget({ model: join(tfjsFixtures, 'digits-graph/model.json') });
    const digits = await scaledFixture('digits');
    rows = sliceRows(digits, 1200, 1500);
  });
  afterAll(() => {
    layers.dispose();
    graph.dispose();
  });

  it('tells the formats apart and predicts like the layers model with the same weights', async () => {
    expect(layers.format).toBe('layers-model');
    expect(graph.format).toBe('graph-model');
    expect(graph.inputSpec).toEqual({ shape: [64], dtype: 'float32' });
    expect(graph.numClasses).toBe(10);
    const a = await layers.predict(rows.x, rows.n);
    const b = await graph.predict(rows.x, rows.n);
    expect(b.labels).toEqual(a.labels);
    const pa = a.probabilities as Float32Array;
    const pb = b.probabilities as Float32Array;
    let worst = 0;
    for (let i = 0; i < pa.length; i++)
      worst = Math.max(worst, Math.abs((pa[i] as number) - (pb[i] as number)));
    expect(worst).toBeLessThan(1e-5);
    const accuracy = a.labels.filter((label, i) => label === rows.y[i]).length / rows.n;
    expect(accuracy).toBeGreaterThan(0.85);
  });

  it('takes logits from before the final softmax of the graph, so losses match the layers model', async () => {
    const a = await layers.loss(rows.x, rows.y, rows.n);
    const b = await graph.loss(rows.x, rows.y, rows.n);
    for (let i = 0; i < rows.n; i++) expect(b[i]).toBeCloseTo(a[i] as number, 4);
  });

  for (const norm of ['inf', 2] as const) {
    it(`FGSM (${norm === 'inf' ? 'L-inf' : 'L2'}) on the graph model equals FGSM on the layers model to 1e-5`, async () => {
      const epsilon = norm === 'inf' ? 0.1 : 1;
      const options = { epsilon, norm, constraints: { min: 0, max: 1 } } as const;
      const a = await fgsm(layers, rows, options);
      const b = await fgsm(graph, rows, options);
      let worst = 0;
      let moved = 0;
      for (let i = 0; i < a.adversarial.length; i++) {
        worst = Math.max(
          worst,
          Math.abs((a.adversarial[i] as number) - (b.adversarial[i] as number)),
        );
        if (a.adversarial[i] !== rows.x[i]) moved++;
      }
      expect(worst).toBeLessThanOrEqual(1e-5);
      // The attack did something: most values moved and some rows were fooled.
      expect(moved).toBeGreaterThan(a.adversarial.length / 4);
      expect(b.success).toEqual(a.success);
      expect(a.success.reduce((s, v) => s + v, 0)).toBeGreaterThan(10);
    });
  }

  it('names the op without a gradient and still serves black-box attacks', async () => {
    const sliced = await createTfModelTarget({
      model: join(tfjsFixtures, 'sliced-graph/model.json'),
    });
    const few = { x: rows.x.slice(0, 10 * 64), y: rows.y.slice(0, 10), n: 10 };
    const error = await sliced.gradient(few.x, few.y, few.n).catch((e: unknown) => e);
    expect(MissingGradientError.is(error)).toBe(true);
    expect(error).toMatchObject({ code: 'MLW_MODEL_NO_GRADIENT', op: 'StridedSlice' });
    expect((error as Error).message).toMatch(/no gradient for the op StridedSlice/);
    expect((error as MissingGradientError).hint).toMatch(/hsj or square/);
    await expect(runEvasion(sliced, few, { attack: 'pgd', epsilons: [0.1] })).rejects.toThrow(
      /StridedSlice/,
    );
    // Predictions and score-based attacks need no gradient.
    const result = await runEvasion(sliced, few, {
      attack: 'square',
      epsilons: [0.3],
      iterations: 50,
      constraints: { min: 0, max: 1 },
    });
    expect(result.complete).toBe(true);
    expect(result.curve[0]?.queries).toBeGreaterThan(0);
    sliced.dispose();
  });

  it('detects the format from the topology when model.json has no format field', async () => {
    const json = JSON.parse(await readFile(join(tfjsFixtures, 'digits-graph/model.json'), 'utf8'));
    expect(json.format).toBe('graph-model');
    delete json.format;
    const copy = join(dir, 'graph-copy');
    await mkdir(copy, { recursive: true });
    await writeFile(join(copy, 'model.json'), JSON.stringify(json));
    await copyFile(
      join(tfjsFixtures, 'digits-graph/group1-shard1of1.bin'),
      join(copy, 'group1-shard1of1.bin'),
    );
    const target = await createTfModelTarget({ model: join(copy, 'model.json') });
    expect(target.format).toBe('graph-model');
    const few = rows.x.slice(0, 5 * 64);
    expect((await target.predict(few, 5)).labels).toEqual((await graph.predict(few, 5)).labels);
    target.dispose();
  });
});
