import type { ModelTarget } from '@mlwarden/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { noisyTabular } from '../test/_datasets.js';
import { digitsMlp } from '../test/_digits-model.js';
import { createRandom } from './_random.js';
import { centrePattern } from './_square-l2.js';
import { createFunctionTarget } from './function-target.js';
import { runEvasion } from './run-evasion.js';
import { squareAttack } from './square-attack.js';
import type { TfModelTarget } from './tf-model-target.js';

let mlp: TfModelTarget;
let rows: { x: Float32Array; y: Int32Array; n: number };

/** The digits MLP seen from outside through its scores, as flat rows or as 8×8 images. */
function scoresOnly(shape: number[]): ModelTarget {
  return createFunctionTarget({
    source: `digits MLP ${JSON.stringify(shape)}`,
    inputSpec: { shape },
    predict: async (x, n) => ({ probabilities: (await mlp.predict(x, n)).probabilities ?? [] }),
  });
}

function l2(a: Float32Array, b: Float32Array, row: number, width: number): number {
  let sum = 0;
  for (let j = 0; j < width; j++)
    sum += ((a[row * width + j] as number) - (b[row * width + j] as number)) ** 2;
  return Math.sqrt(sum);
}

beforeAll(async () => {
  const trained = await digitsMlp();
  mlp = trained.target;
  const clean = await mlp.predict(trained.test.x, trained.test.n);
  const keep: number[] = [];
  for (let i = 0; i < trained.test.n && keep.length < 40; i++) {
    if (clean.labels[i] === trained.test.y[i]) keep.push(i);
  }
  rows = {
    x: Float32Array.from(
      keep.flatMap((i) => Array.from(trained.test.x.subarray(i * 64, (i + 1) * 64))),
    ),
    y: Int32Array.from(keep, (i) => trained.test.y[i] as number),
    n: keep.length,
  };
});

describe('square attack, L2', () => {
  it('builds a unit-norm pattern, positive above and negative below its middle', () => {
    const random = createRandom(1);
    for (const s of [1, 3, 5, 7]) {
      const p = centrePattern(s, random);
      const norm = Math.sqrt(p.reduce((a, v) => a + v * v, 0));
      expect(norm).toBeCloseTo(1, 10);
      if (s > 1) expect(p.reduce((a, v) => a + v, 0)).toBeCloseTo(0, 10);
    }
  });

  for (const shape of [[8, 8, 1], [64]]) {
    it(`fools the model inside the L2 ball and the bounds (${shape.length === 3 ? 'images' : 'flat rows'})`, async () => {
      const target = scoresOnly(shape);
      const options = {
        epsilon: 1,
        norm: 2,
        maxIterations: 100,
        pInit: 0.3,
        seed: 4,
        constraints: { min: 0, max: 1 },
      } as const;
      const outcome = await squareAttack(target, rows, options);
      expect(outcome.attacked).toBe(rows.n);
      const fooled = outcome.success.reduce((a, v) => a + v, 0);
      expect(fooled / rows.n).toBeGreaterThan(0.4);
      const check = await mlp.predict(outcome.adversarial, rows.n);
      for (let r = 0; r < rows.n; r++) {
        expect(l2(outcome.adversarial, rows.x, r, 64)).toBeLessThanOrEqual(1 + 1e-5);
        expect(outcome.success[r] === 1).toBe(check.labels[r] !== rows.y[r]);
      }
      expect(Math.min(...outcome.adversarial)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...outcome.adversarial)).toBeLessThanOrEqual(1);
      // One query per row to start, then at most one per still-correct row and iteration.
      expect(outcome.queries).toBeLessThanOrEqual(rows.n * 101);
      // Seeded: the same seed repeats the run, another seed changes it.
      const again = await squareAttack(target, rows, options);
      expect(again.adversarial).toEqual(outcome.adversarial);
      const other = await squareAttack(target, rows, { ...options, seed: 5 });
      expect(other.adversarial).not.toEqual(outcome.adversarial);
    });
  }

  it('keeps tabular constraints: immutable, integer and one-hot features stay valid', async () => {
    // A fixed logistic model over 8 features: 0–4 continuous, 5 an integer count, 6–7 one-hot.
    const w = [1.5, -2, 1, 0.5, -1, 0.8, 2, -2];
    const target = createFunctionTarget({
      inputSpec: { shape: [8] },
      predict: (x, n) => {
        const probabilities = new Float32Array(n * 2);
        for (let r = 0; r < n; r++) {
          let z = 0;
          for (let j = 0; j < 8; j++) z += (w[j] as number) * (x[r * 8 + j] as number);
          const p = 1 / (1 + Math.exp(-z));
          probabilities[r * 2] = 1 - p;
          probabilities[r * 2 + 1] = p;
        }
        return { probabilities };
      },
    });
    const data = noisyTabular(60, 5, 9);
    const x = new Float32Array(60 * 8);
    for (let i = 0; i < 60; i++) {
      for (let j = 0; j < 5; j++) x[i * 8 + j] = data.x[i * 5 + j] as number;
      x[i * 8 + 5] = i % 4;
      x[i * 8 + 6 + (i % 2)] = 1;
    }
    const labels = (await target.predict(x, 60)).labels;
    const constraints = {
      min: [-5, -5, -5, -5, -5, 0, 0, 0],
      max: [5, 5, 5, 5, 5, 10, 1, 1],
      immutable: [0],
      integer: [5],
      oneHot: [[6, 7]],
    };
    const result = await runEvasion(
      target,
      { x, y: labels, n: 60 },
      {
        attack: 'square',
        norm: 2,
        epsilons: [0.5, 2],
        iterations: 200,
        seed: 1,
        constraints,
      },
    );
    expect(result.norm).toBe(2);
    expect(result.cleanAccuracy).toBe(1);
    expect(result.curve[1]?.successRate).toBeGreaterThan(result.curve[0]?.successRate as number);
    expect(result.curve[1]?.successRate).toBeGreaterThan(0.3);
    expect(result.curve[1]?.meanPerturbation).toBeLessThanOrEqual(2 + 1e-5);
    const outcome = await squareAttack(
      target,
      { x, y: labels, n: 60 },
      {
        epsilon: 2,
        norm: 2,
        maxIterations: 200,
        seed: 1,
        constraints,
      },
    );
    for (let r = 0; r < 60; r++) {
      const row = outcome.adversarial.subarray(r * 8, (r + 1) * 8);
      expect(row[0]).toBe(x[r * 8]);
      expect(Number.isInteger(row[5])).toBe(true);
      expect([row[6], row[7]].sort()).toEqual([0, 1]);
      for (let j = 0; j < 8; j++) {
        expect(row[j]).toBeGreaterThanOrEqual(constraints.min[j] as number);
        expect(row[j]).toBeLessThanOrEqual(constraints.max[j] as number);
      }
      expect(l2(outcome.adversarial, x, r, 8)).toBeLessThanOrEqual(2 + 1e-5);
    }
  });
});
