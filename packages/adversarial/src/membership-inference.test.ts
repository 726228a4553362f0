import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { noisyTabular } from '../test/_datasets.js';
import { blackBox } from '../test/_digits-model.js';
import { sequentialModel, trainModel } from '../test/_models.js';
import { membershipInference } from './membership-inference.js';
import { createTfModelTarget, type TfModelTarget } from './tf-model-target.js';

type Rows = { x: Float32Array; y: Int32Array; n: number };
let members: Rows;
let nonMembers: Rows;
let overfit: TfModelTarget;
let regularised: TfModelTarget;

beforeAll(async () => {
  // A seeded tabular task with noisy labels: members are the training rows, non-members fresh
  // rows of the same distribution. Overfit: a wide network memorises the noise. Regularised: a
  // linear model with an L2 penalty.
  const all = noisyTabular(400, 20, 1, 1.5);
  members = { x: all.x.slice(0, 4000), y: all.y.slice(0, 200), n: 200 };
  nonMembers = { x: all.x.slice(4000), y: all.y.slice(200), n: 200 };
  const wide = sequentialModel([20], [{ type: 'dense', units: 256, activation: 'relu' }], 2, 3);
  await trainModel(wide, members.x, members.y, members.n, [20], { epochs: 100, batchSize: 32 });
  const small = tf.sequential({
    layers: [
      tf.layers.dense({
        units: 2,
        inputShape: [20],
        kernelRegularizer: tf.regularizers.l2({ l2: 0.1 }),
        kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }),
      }),
    ],
  });
  await trainModel(small, members.x, members.y, members.n, [20], {
    epochs: 100,
    learningRate: 0.05,
    batchSize: 200,
  });
  overfit = await createTfModelTarget({ model: wide });
  regularised = await createTfModelTarget({ model: small });
});

describe('membershipInference', () => {
  it('reports a clearly higher AUC for an overfit model than for a regularised one', async () => {
    const leaky = await membershipInference(overfit, members, nonMembers, { seed: 1 });
    const tight = await membershipInference(regularised, members, nonMembers, { seed: 1 });
    const auc = (r: typeof leaky) => Math.max(...r.attacks.map((a) => a.auc));
    expect(leaky.attacks.map((a) => a.attack)).toEqual(['loss', 'confidence']);
    expect(auc(leaky)).toBeGreaterThan(0.7);
    expect(auc(tight)).toBeLessThan(0.6);
    // The intervals do not overlap.
    const interval = (r: typeof leaky) =>
      r.attacks.find((a) => a.attack === r.best)?.intervals.auc as [number, number];
    expect(interval(leaky)[0]).toBeGreaterThan(interval(tight)[1]);
    const best = leaky.attacks.find((a) => a.attack === leaky.best);
    expect(best?.intervals.auc[0]).toBeLessThan(best?.auc as number);
    expect(best?.intervals.auc[1]).toBeGreaterThan(best?.auc as number);
    expect(best?.tprAt1PctFpr).toBeGreaterThanOrEqual(best?.tprAt01PctFpr as number);
    expect(leaky.complete).toBe(true);
    expect(leaky.queries.used).toBe(400);
  });

  it('falls back to the label-only attack on targets that return labels only', async () => {
    const result = await membershipInference(blackBox(overfit, false), members, nonMembers, {
      seed: 2,
      noiseSamples: 10,
      noiseScale: 0.1,
      bootstrap: 50,
    });
    expect(result.attacks.map((a) => a.attack)).toEqual(['label-only']);
    expect(result.attacks[0]?.auc).toBeGreaterThan(0.5);
    expect(result.queries.used).toBe(400 * 11);
  });
});
