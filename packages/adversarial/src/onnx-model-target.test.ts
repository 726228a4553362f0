import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scaledFixture, sliceRows } from '../test/_datasets.js';
import { type ArraySpec, runPython } from '../test/_python.js';
import { usesExternalData } from './_onnx-external-data.js';
import { createOnnxModelTarget, type OnnxModelTarget } from './onnx-model-target.js';
import { limitQueries } from './query-limiter.js';
import { runEvasion } from './run-evasion.js';
import { squareAttack } from './square-attack.js';

type Rows = { x: Float32Array; y: Int32Array; n: number };

interface Exported {
  path: string;
  rows: Rows;
  width: number;
  labels: Int32Array;
  probabilities: Float32Array;
  ops: string[];
}

interface ExportResponse {
  skl2onnx: string;
  classes: number[];
  ops: string[];
  labels: ArraySpec;
  probabilities: ArraySpec;
}

let dir: string;
const models: Record<string, Exported> = {};

/** Fits a scikit-learn model in the onnx venv, exports it with skl2onnx, keeps sklearn's answers. */
async function exportModel(
  kind: 'logistic' | 'forest' | 'mlp',
  train: Rows,
  test: Rows,
  width: number,
  file: string = kind,
  externalCopy = false,
): Promise<Exported> {
  const path = join(dir, `${file}.onnx`);
  const { response, array } = await runPython<ExportResponse>(
    'onnx',
    'onnx_reference.py',
    'export',
    {
      model: kind,
      seed: 0,
      out: path,
      ...(externalCopy && { externalCopy: join(dir, `${file}-external.onnx`) }),
      xTrain: { data: train.x, shape: [train.n, width] },
      yTrain: { data: train.y, shape: [train.n] },
      x: { data: test.x, shape: [test.n, width] },
    },
  );
  return {
    path,
    rows: test,
    width,
    labels: (await array(response.labels)) as Int32Array,
    probabilities: (await array(response.probabilities)) as Float32Array,
    ops: response.ops,
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlwarden-onnx-'));
  const cancer = await scaledFixture('breast-cancer');
  const digits = await scaledFixture('digits');
  const cancerTrain = sliceRows(cancer, 0, 400);
  // The same task with class labels 3 and 7, which are not score indices.
  const relabelledTrain = { ...cancerTrain, y: cancerTrain.y.map((v) => 3 + 4 * v) };
  const [logistic, forest, mlp, relabelled] = await Promise.all([
    exportModel('logistic', cancerTrain, sliceRows(cancer, 400, cancer.n), 30),
    exportModel('forest', sliceRows(digits, 0, 1200), sliceRows(digits, 1200, 1500), 64),
    exportModel('mlp', sliceRows(digits, 0, 1200), sliceRows(digits, 1200, 1500), 64, 'mlp', true),
    exportModel('logistic', relabelledTrain, sliceRows(cancer, 400, cancer.n), 30, 'relabelled'),
  ]);
  Object.assign(models, { logistic, forest, mlp, relabelled });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function nativeRuntimeInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('onnxruntime-node');
    return true;
  } catch {
    return false;
  }
}

function correctRows(model: Exported, count: number): Rows {
  const keep: number[] = [];
  for (let i = 0; i < model.rows.n && keep.length < count; i++) {
    if (model.labels[i] === model.rows.y[i]) keep.push(i);
  }
  const x = new Float32Array(keep.length * model.width);
  const y = new Int32Array(keep.length);
  keep.forEach((i, k) => {
    x.set(model.rows.x.subarray(i * model.width, (i + 1) * model.width), k * model.width);
    y[k] = model.rows.y[i] as number;
  });
  return { x, y, n: keep.length };
}

describe('createOnnxModelTarget', () => {
  it('runs on onnxruntime-node when installed, else on onnxruntime-web (WebAssembly)', async () => {
    const native = nativeRuntimeInstalled();
    const target = await createOnnxModelTarget({ model: models.logistic?.path as string });
    expect(target.runtime).toBe(native ? 'onnxruntime-node' : 'onnxruntime-web');
    expect(target.inputName).toBe('X');
    expect(target.outputName).toBe('probabilities');
    expect(target.labelName).toBe('label');
    expect(target.inputSpec).toEqual({ shape: [30], dtype: 'float32' });
    await target.dispose();
  });

  for (const kind of ['logistic', 'forest', 'mlp'] as const) {
    it(`${kind}: labels equal scikit-learn's predict and probabilities agree to 1e-5`, async () => {
      const model = models[kind] as Exported;
      const target = await createOnnxModelTarget({ model: model.path });
      const out = await target.predict(model.rows.x, model.rows.n);
      expect(out.labels).toEqual(model.labels);
      const p = out.probabilities as Float32Array;
      expect(p.length).toBe(model.probabilities.length);
      let worst = 0;
      for (let i = 0; i < p.length; i++) {
        worst = Math.max(worst, Math.abs((p[i] as number) - (model.probabilities[i] as number)));
      }
      expect(worst).toBeLessThanOrEqual(1e-5);
      expect(target.numClasses).toBe(kind === 'logistic' ? 2 : 10);
      expect(target.queries.used).toBe(model.rows.n);
      // The models are real classifiers, not constant answers.
      const accuracy = out.labels.filter((label, i) => label === model.rows.y[i]).length;
      expect(accuracy / model.rows.n).toBeGreaterThan(0.85);
      await target.dispose();
    });
  }

  it('gives the same answers whatever the batch size', async () => {
    const model = models.forest as Exported;
    const small = await createOnnxModelTarget({ model: model.path, batchSize: 7 });
    const out = await small.predict(model.rows.x, model.rows.n);
    expect(out.labels).toEqual(model.labels);
    expect((await small.predict(new Float32Array(0), 0)).labels.length).toBe(0);
    await small.dispose();
  });

  it('HopSkipJump and the square attack fool the forest through the runtime, within the budget', async () => {
    const model = models.forest as Exported;
    const target = await createOnnxModelTarget({ model: model.path });
    const rows = correctRows(model, 20);
    const limited = limitQueries(target, { budget: 200_000 });
    const hsj = await runEvasion(limited, rows, {
      attack: 'hsj',
      epsilons: [1, 2, 3],
      iterations: 15,
      seed: 3,
      constraints: { min: 0, max: 1 },
    });
    expect(hsj.stopped).toBeUndefined();
    expect(hsj.cleanAccuracy).toBe(1);
    expect(hsj.curve[2]?.successRate).toBeGreaterThan(0.7);
    const square = await runEvasion(limited, rows, {
      attack: 'square',
      epsilons: [0.3],
      iterations: 300,
      seed: 3,
      constraints: { min: 0, max: 1 },
    });
    expect(square.complete).toBe(true);
    expect(square.curve[0]?.successRate).toBeGreaterThan(0.5);
    expect(limited.queries.used).toBe(hsj.queries.used + square.queries.used);
    expect(target.queries.used).toBe(limited.queries.used);
    await target.dispose();
  });

  it('with probabilities false, hides the scores: square refuses, HopSkipJump still runs', async () => {
    const model = models.mlp as Exported;
    const target = await createOnnxModelTarget({ model: model.path, probabilities: false });
    const out = await target.predict(model.rows.x, model.rows.n);
    expect(out.probabilities).toBeUndefined();
    expect(out.labels).toEqual(model.labels);
    const rows = correctRows(model, 5);
    await expect(squareAttack(target, rows, { epsilon: 0.2, maxIterations: 5 })).rejects.toThrow(
      /returns no scores/,
    );
    const hsj = await runEvasion(target, rows, {
      attack: 'hsj',
      epsilons: [2],
      iterations: 5,
      constraints: { min: 0, max: 1 },
    });
    expect(hsj.curve[0]?.successRate).toBeGreaterThan(0);
    await target.dispose();
  });

  it('maps label values that are not indices through classes, and refuses them without', async () => {
    const model = models.relabelled as Exported;
    expect(new Set(model.labels)).toEqual(new Set([3, 7]));
    const target = await createOnnxModelTarget({ model: model.path, classes: ['3', '7'] });
    const out = await target.predict(model.rows.x, model.rows.n);
    expect(Array.from(out.labels)).toEqual(Array.from(model.labels, (l) => (l === 3 ? 0 : 1)));
    expect(target.classes).toEqual(['3', '7']);
    await target.dispose();
    const bare = await createOnnxModelTarget({ model: model.path });
    await expect(bare.predict(model.rows.x, model.rows.n)).rejects.toMatchObject({
      code: 'MLW_INPUT_INVALID',
      message: expect.stringMatching(
        /predicted the label "[37]" for row \d+, which is not a class index/,
      ),
      hint: expect.stringMatching(/give classes/),
    });
    await bare.dispose();
  });

  it('refuses a corrupt model, a wrong input shape and unknown names with typed errors', async () => {
    const model = models.logistic as Exported;
    const bytes = await readFile(model.path);
    const truncated = join(dir, 'truncated.onnx');
    await writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expect(createOnnxModelTarget({ model: truncated })).rejects.toMatchObject({
      code: 'MLW_INPUT_INVALID',
      message: expect.stringMatching(/is not a valid ONNX model/),
    });
    const text = join(dir, 'text.onnx');
    await writeFile(text, 'not a model at all');
    await expect(createOnnxModelTarget({ model: text })).rejects.toMatchObject({
      code: 'MLW_INPUT_INVALID',
    });
    // The MLP with its weights in mlp-external.onnx.data: refused before loading.
    expect(usesExternalData(new Uint8Array(await readFile(models.mlp?.path as string)))).toBe(
      false,
    );
    const external = join(dir, 'mlp-external.onnx');
    expect((await stat(`${external}.data`)).size).toBeGreaterThan(64 * 32 * 4);
    expect(usesExternalData(new Uint8Array(await readFile(external)))).toBe(true);
    await expect(createOnnxModelTarget({ model: external })).rejects.toMatchObject({
      code: 'MLW_INPUT_INVALID',
      message: expect.stringMatching(/keeps tensors in external data files, which are not opened/),
    });
    await expect(createOnnxModelTarget({ model: join(dir, 'missing.onnx') })).rejects.toMatchObject(
      { code: 'MLW_INPUT_NOT_FOUND' },
    );
    await expect(
      createOnnxModelTarget({ model: model.path, maxModelBytes: 100 }),
    ).rejects.toMatchObject({ code: 'MLW_LIMIT_EXCEEDED' });
    await expect(createOnnxModelTarget({ model: model.path, inputShape: [12] })).rejects.toThrow(
      /inputShape \[12\] does not match the model's input/,
    );
    await expect(createOnnxModelTarget({ model: model.path, inputName: 'Y' })).rejects.toThrow(
      /has no input "Y"/,
    );
    await expect(
      createOnnxModelTarget({ model: model.path, outputName: 'scores' }),
    ).rejects.toThrow(/has no output "scores"/);
    const target: OnnxModelTarget = await createOnnxModelTarget({ model: model.path });
    await expect(target.predict(new Float32Array(29), 1)).rejects.toMatchObject({
      code: 'MLW_INPUT_INVALID',
      message: expect.stringMatching(/29 values for 1 rows of 30/),
    });
    await target.dispose();
  });

  it('names the npm package to install when the requested runtime is missing', async () => {
    const native = nativeRuntimeInstalled();
    const attempt = createOnnxModelTarget({
      model: models.logistic?.path as string,
      runtime: 'onnxruntime-node',
    });
    if (native) {
      await expect(attempt).resolves.toMatchObject({ runtime: 'onnxruntime-node' });
    } else {
      await expect(attempt).rejects.toMatchObject({
        name: 'OptionalDependencyError',
        code: 'MLW_DEPENDENCY_MISSING',
        packageName: 'onnxruntime-node',
        message: expect.stringMatching(/onnxruntime-node: not installed/),
        hint: expect.stringMatching(/npm install onnxruntime-node/),
      });
    }
  });
});
