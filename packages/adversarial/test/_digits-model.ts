import type { ModelTarget } from '@mlwarden/core';
import { createFunctionTarget } from '../src/function-target.js';
import { createTfModelTarget, type TfModelTarget } from '../src/tf-model-target.js';
import { scaledFixture, sliceRows } from './_datasets.js';
import { sequentialModel, trainModel } from './_models.js';

/** A small MLP trained (seeded) on the first 1200 digits; rows 1200… are held out. */
export async function digitsMlp(): Promise<{
  target: TfModelTarget;
  train: { x: Float32Array; y: Int32Array; n: number };
  test: { x: Float32Array; y: Int32Array; n: number };
}> {
  const rows = await scaledFixture('digits');
  const train = sliceRows(rows, 0, 1200);
  const test = sliceRows(rows, 1200, rows.n);
  const model = sequentialModel([64], [{ type: 'dense', units: 32, activation: 'relu' }], 10, 11);
  await trainModel(model, train.x, train.y, train.n, [64], { epochs: 30 });
  return { target: await createTfModelTarget({ model }), train, test };
}

/** The same model seen from outside: only labels, or labels and scores. */
export function blackBox(target: TfModelTarget, scores: boolean): ModelTarget {
  return createFunctionTarget({
    source: 'black-box digits MLP',
    inputSpec: { shape: [target.width] },
    predict: async (x, n) => {
      const out = await target.predict(x, n);
      return scores ? { probabilities: out.probabilities as Float32Array } : { labels: out.labels };
    },
  });
}
