import type { LayersModel } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { hopSkipJump } from '../src/hop-skip-jump.js';
import { runEvasion } from '../src/run-evasion.js';
import type { TfModelTarget } from '../src/tf-model-target.js';
import { runArt } from './_art.js';
import { pickRows } from './_datasets.js';
import { blackBox, digitsMlp } from './_digits-model.js';
import { weightsOf } from './_models.js';

/** Largest allowed difference in robust accuracy between mlwarden and ART at any epsilon. */
const CURVE_TOLERANCE = 0.02;

let target: TfModelTarget;
let rows: { x: Float32Array; y: Int32Array; n: number };

beforeAll(async () => {
  const trained = await digitsMlp();
  target = trained.target;
  rows = { x: trained.test.x.slice(0, 300 * 64), y: trained.test.y.slice(0, 300), n: 300 };
});

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
    const clean = await target.predict(few.x, few.n);
    const keep = Array.from({ length: few.n }, (_, i) => i).filter(
      (i) => clean.labels[i] === few.y[i],
    );
    const correct = pickRows(few, 64, keep);
    const params = { maxIter: 10, maxEval: 1000, initEval: 100, initSize: 100 };
    const { response } = await runArt<{ norms: number[]; fooled: number[]; queries: number }>(
      'hsj',
      {
        weights: weightsOf(target.model as LayersModel),
        classes: 10,
        x: { data: correct.x, shape: [correct.n, 64] },
        y: { data: correct.y, shape: [correct.n] },
        norm: '2',
        clip: [0, 1],
        seed: 0,
        ...params,
      },
    );
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
});
