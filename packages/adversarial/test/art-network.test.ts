import type { LayersModel } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFunctionTarget } from '../src/function-target.js';
import { hopSkipJump } from '../src/hop-skip-jump.js';
import { runEvasion } from '../src/run-evasion.js';
import { squareAttack } from '../src/square-attack.js';
import type { TfModelTarget } from '../src/tf-model-target.js';
import { runArt } from './_art.js';
import { pickRows } from './_datasets.js';
import { blackBox, digitsMlp } from './_digits-model.js';
import { weightsOf } from './_models.js';

/** Largest allowed difference in robust accuracy between mlwarden and ART at any epsilon. */
const CURVE_TOLERANCE = 0.02;
/** How far the L2 square attack's success rate may fall below ART's SquareAttack(norm=2). */
const SQUARE_TOLERANCE = 0.05;

let target: TfModelTarget;
let rows: { x: Float32Array; y: Int32Array; n: number };

beforeAll(async () => {
  const trained = await digitsMlp();
  target = trained.target;
  rows = { x: trained.test.x.slice(0, 300 * 64), y: trained.test.y.slice(0, 300), n: 300 };
});

interface ArtBlackBoxResponse {
  norms: number[];
  fooled: number[];
  queries: number;
}

/** The first `limit` rows of `from` the model classifies correctly. */
async function correctRows(from: typeof rows, limit: number) {
  const clean = await target.predict(from.x, from.n);
  const keep = Array.from({ length: from.n }, (_, i) => i)
    .filter((i) => clean.labels[i] === from.y[i])
    .slice(0, limit);
  return pickRows(from, 64, keep);
}

/** Runs an ART black-box attack (`art_reference.py hsj|square`) on the model's weights. */
async function artBlackBox(
  command: 'hsj' | 'square',
  correct: { x: Float32Array; y: Int32Array; n: number },
  params: Record<string, unknown>,
): Promise<ArtBlackBoxResponse> {
  const { response } = await runArt<ArtBlackBoxResponse>(command, {
    weights: weightsOf(target.model as LayersModel),
    classes: 10,
    x: { data: correct.x, shape: [correct.n, 64] },
    y: { data: correct.y, shape: [correct.n] },
    clip: [0, 1],
    seed: 0,
    ...params,
  });
  return response;
}

const MODEL = {
  inputShape: [64],
  classes: 10,
  layers: [
    { type: 'dense', units: 32, activation: 'relu' },
    { type: 'dense', units: 10 },
  ],
};

describe('a small neural network, against ART', () => {
  it(`PGD robust accuracy curves agree within ${CURVE_TOLERANCE}`, async () => {
    const epsilons = [0.02, 0.05, 0.1, 0.2];
    const { response } = await runArt<{
      cleanAccuracy: number;
      curve: { epsilon: number; robustAccuracy: number }[];
    }>('mlp', {
      model: MODEL,
      weights: weightsOf(target.model as LayersModel),
      x: { data: rows.x, shape: [rows.n, 64] },
      y: { data: rows.y, shape: [rows.n] },
      epsilons,
      norm: 'inf',
      iterations: 10,
      stepFactor: 2.5,
      clip: [0, 1],
    });
    const ours = await runEvasion(target, rows, {
      attack: 'pgd',
      epsilons,
      iterations: 10,
      earlyStop: false,
      constraints: { min: 0, max: 1 },
    });
    expect(ours.cleanAccuracy).toBeCloseTo(response.cleanAccuracy, 6);
    const theirs = response.curve.map((p) => p.robustAccuracy);
    const mine = ours.curve.map((p) => p.robustAccuracy);
    // The curve spans a real range, so agreement is not trivial.
    expect((mine[0] as number) - (mine[3] as number)).toBeGreaterThan(0.5);
    mine.forEach((value, i) => {
      expect(Math.abs(value - (theirs[i] as number)), `epsilon ${epsilons[i]}`).toBeLessThanOrEqual(
        CURVE_TOLERANCE,
      );
    });
  });

  it('HopSkipJump reaches a success rate comparable to ART with no more queries', async () => {
    const few = { x: rows.x.slice(0, 40 * 64), y: rows.y.slice(0, 40), n: 40 };
    const correct = await correctRows(few, 40);
    const params = { maxIter: 10, maxEval: 1000, initEval: 100, initSize: 100 };
    const response = await artBlackBox('hsj', correct, { norm: '2', ...params });
    const perRow = Math.ceil(response.queries / correct.n);
    const ours = await hopSkipJump(blackBox(target, false), correct, {
      maxIterations: params.maxIter,
      maxEvaluations: params.maxEval,
      initialEvaluations: params.initEval,
      initialTries: params.initSize,
      maxQueriesPerRow: perRow,
      constraints: { min: 0, max: 1 },
      seed: 0,
    });
    expect(ours.queries).toBeLessThanOrEqual(response.queries + correct.n);
    for (const eps of [1, 1.5, 2]) {
      const artRate =
        response.norms.filter((d, i) => response.fooled[i] === 1 && d <= eps).length / correct.n;
      const ourRate =
        Array.from(ours.distances).filter((d, i) => ours.success[i] === 1 && d <= eps).length /
        correct.n;
      expect(ourRate, `L2 ${eps}: ours ${ourRate}, ART ${artRate}`).toBeGreaterThanOrEqual(
        artRate - 0.15,
      );
    }
  });

  it(`the L2 square attack reaches ART's SquareAttack(norm=2) success rate (within ${SQUARE_TOLERANCE}) with no more queries`, async () => {
    const correct = await correctRows(rows, 100);
    // Both tools see the rows as 8×8 one-channel images and only the model's softmax scores.
    const scores = createFunctionTarget({
      inputSpec: { shape: [8, 8, 1] },
      predict: async (x, n) => ({
        probabilities: (await target.predict(x, n)).probabilities ?? [],
      }),
    });
    for (const epsilon of [0.5, 1]) {
      const params = { maxIter: 100, pInit: 0.3 };
      const response = await artBlackBox('square', correct, {
        imageShape: [8, 8, 1],
        norm: '2',
        eps: epsilon,
        ...params,
      });
      const ours = await squareAttack(scores, correct, {
        epsilon,
        norm: 2,
        maxIterations: params.maxIter,
        pInit: params.pInit,
        seed: 0,
        constraints: { min: 0, max: 1 },
      });
      const artRate = response.fooled.reduce((a, b) => a + b, 0) / correct.n;
      const ourRate = ours.success.reduce((a, b) => a + b, 0) / correct.n;
      // ART's rows stay in its ball too, and the budget leaves rows it cannot fool.
      expect(Math.max(...response.norms)).toBeLessThanOrEqual(epsilon + 1e-4);
      expect(artRate).toBeLessThan(0.9);
      expect(ourRate, `L2 ${epsilon}: ours ${ourRate}, ART ${artRate}`).toBeGreaterThanOrEqual(
        artRate - SQUARE_TOLERANCE,
      );
      expect(ours.queries).toBeLessThanOrEqual(response.queries);
    }
  });
});
