import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sequentialModel } from '../test/_models.js';
import { initTfBackend } from './tf-backend.js';
import { createTfModelTarget } from './tf-model-target.js';

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

  it('refuses weight paths that leave the model directory', async () => {
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    json.weightsManifest[0].paths = ['../../etc/passwd'];
    await writeFile(join(dir, 'evil.json'), JSON.stringify(json));
    await expect(createTfModelTarget({ model: join(dir, 'evil.json') })).rejects.toThrow(
      /points outside the model's directory/,
    );
    await expect(createTfModelTarget({ model: join(dir, 'missing.json') })).rejects.toMatchObject({
      code: 'MLW_INPUT_NOT_FOUND',
    });
  });
});
