/**
 * Benchmark: PGD-20 robust accuracy of a small MLP and a small CNN on ~3600 digit images,
 * mlwarden (TensorFlow.js on WebAssembly) against ART (TensorFlow on CPU) in the same run with the
 * same weights; and HopSkipJump queries against ART's on the same label-only model.
 *
 * Run: npm run bench -w @mlwarden/adversarial
 */
import type { LayersModel } from '@tensorflow/tfjs';
import { hopSkipJump } from '../src/hop-skip-jump.js';
import { runEvasion } from '../src/run-evasion.js';
import { initTfBackend } from '../src/tf-backend.js';
import { createTfModelTarget } from '../src/tf-model-target.js';
import { runArt } from '../test/_art.js';
import { pickRows, scaledFixture } from '../test/_datasets.js';
import { blackBox } from '../test/_digits-model.js';
import { type LayerSpec, sequentialModel, trainModel, weightsOf } from '../test/_models.js';

const EPSILON = 0.1;
const ITERATIONS = 20;

/** The digits plus their mirror images: 3594 distinct 8×8 images in [0, 1]. */
async function images() {
  const rows = await scaledFixture('digits');
  const n = rows.n * 2;
  const x = new Float32Array(n * 64);
  const y = new Int32Array(n);
  x.set(rows.x);
  y.set(rows.y);
  for (let i = 0; i < rows.n; i++) {
    for (let r = 0; r < 8; r++) {
      for (let c = 0; c < 8; c++)
        x[(rows.n + i) * 64 + r * 8 + c] = rows.x[i * 64 + r * 8 + (7 - c)] as number;
    }
    y[rows.n + i] = (rows.y[i] as number) + 10;
  }
  return { x, y, n };
}

interface Case {
  name: string;
  shape: number[];
  layers: LayerSpec[];
}

const CASES: Case[] = [
  {
    name: 'MLP 64-128-20',
    shape: [64],
    layers: [{ type: 'dense', units: 128, activation: 'relu' }],
  },
  {
    name: 'CNN conv16-pool-dense',
    shape: [8, 8, 1],
    layers: [
      { type: 'conv2d', filters: 16, kernel: 3, activation: 'relu' },
      { type: 'maxpool', size: 2 },
      { type: 'flatten' },
    ],
  },
];

function keras(c: Case) {
  return {
    inputShape: c.shape,
    classes: 20,
    layers: [...c.layers, { type: 'dense', units: 20 }],
  };
}

async function main() {
  const backend = await initTfBackend();
  const data = await images();
  console.log(
    `mlwarden backend: ${backend.name}; ${data.n} images, PGD-${ITERATIONS} L∞ epsilon ${EPSILON}\n`,
  );
  const lines: string[] = [];
  let mlpTarget: Awaited<ReturnType<typeof createTfModelTarget>> | undefined;
  for (const c of CASES) {
    // The WebAssembly backend lacks the convolution filter gradient, so models train on CPU.
    await initTfBackend({ prefer: 'cpu' });
    const model = sequentialModel(c.shape, c.layers, 20, 1);
    await trainModel(model, data.x, data.y, data.n, c.shape, { epochs: 15 });
    await initTfBackend();
    const target = await createTfModelTarget({ model });
    if (c.name.startsWith('MLP')) mlpTarget = target;
    const start = performance.now();
    const ours = await runEvasion(target, data, {
      attack: 'pgd',
      epsilons: [EPSILON],
      iterations: ITERATIONS,
      earlyStop: false,
      constraints: { min: 0, max: 1 },
    });
    const oursSeconds = (performance.now() - start) / 1000;
    const { response } = await runArt<{
      cleanAccuracy: number;
      curve: { robustAccuracy: number; seconds: number }[];
    }>('mlp', {
      model: keras(c),
      weights: weightsOf(model as LayersModel),
      x: { data: data.x, shape: [data.n, ...c.shape] },
      y: { data: data.y, shape: [data.n] },
      epsilons: [EPSILON],
      norm: 'inf',
      iterations: ITERATIONS,
      stepFactor: 2.5,
      clip: [0, 1],
    });
    const art = response.curve[0] as { robustAccuracy: number; seconds: number };
    lines.push(
      `| ${c.name} | ${ours.cleanAccuracy?.toFixed(3)} | ${ours.curve[0]?.robustAccuracy.toFixed(3)} | ${art.robustAccuracy.toFixed(3)} | ${oursSeconds.toFixed(2)} s | ${art.seconds.toFixed(2)} s | ${(art.seconds / oursSeconds).toFixed(2)}× |`,
    );
  }
  console.log(
    '| model | clean acc. | robust acc. mlwarden | robust acc. ART | mlwarden time | ART time | ART / mlwarden |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const line of lines) console.log(line);

  // Black-box: HopSkipJump on the MLP through labels only, 30 correctly classified images.
  const target = mlpTarget as NonNullable<typeof mlpTarget>;
  const clean = await target.predict(data.x.subarray(0, 60 * 64), 60);
  const keep = Array.from({ length: 60 }, (_, i) => i)
    .filter((i) => clean.labels[i] === data.y[i])
    .slice(0, 30);
  const rows = pickRows(data, 64, keep);
  const params = { maxIter: 20, maxEval: 1000, initEval: 100, initSize: 100 };
  const { response: art } = await runArt<{
    norms: number[];
    fooled: number[];
    queries: number;
    seconds: number;
  }>('hsj', {
    weights: weightsOf(target.model as LayersModel),
    classes: 20,
    x: { data: rows.x, shape: [rows.n, 64] },
    y: { data: rows.y, shape: [rows.n] },
    norm: '2',
    clip: [0, 1],
    seed: 0,
    ...params,
  });
  const rate = (norms: ArrayLike<number>, fooled: ArrayLike<number>, eps: number) =>
    Array.from(norms).filter((d, i) => fooled[i] === 1 && d <= eps).length / rows.n;
  const hsj = (stopAtDistance?: number) =>
    hopSkipJump(blackBox(target, false), rows, {
      maxIterations: params.maxIter,
      maxEvaluations: params.maxEval,
      initialEvaluations: params.initEval,
      initialTries: params.initSize,
      constraints: { min: 0, max: 1 },
      seed: 0,
      ...(stopAtDistance !== undefined && { stopAtDistance }),
    });
  const full = await hsj();
  const stopped = await hsj(1);
  console.log(`\nHopSkipJump, L2, ${rows.n} images, ${params.maxIter} iterations, labels only`);
  console.log('| run | queries | success at L2 ≤ 0.5 | ≤ 1.0 | ≤ 2.0 |');
  console.log('|---|---|---|---|---|');
  const row = (
    name: string,
    queries: number,
    norms: ArrayLike<number>,
    fooled: ArrayLike<number>,
  ) =>
    console.log(
      `| ${name} | ${queries} | ${[0.5, 1, 2].map((e) => rate(norms, fooled, e).toFixed(2)).join(' | ')} |`,
    );
  row('ART HopSkipJump', art.queries, art.norms, art.fooled);
  row('mlwarden hsj', full.queries, full.distances, full.success);
  row('mlwarden hsj, stop at L2 ≤ 1.0', stopped.queries, stopped.distances, stopped.success);
}

await main();
