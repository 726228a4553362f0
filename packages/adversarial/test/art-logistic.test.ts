import { describe, expect, it } from 'vitest';
import { fgsm, pgd } from '../src/pgd.js';
import { createTfModelTarget } from '../src/tf-model-target.js';
import { type ArraySpec, runArt } from './_art.js';
import { pickRows, scaledFixture } from './_datasets.js';
import { logisticModel } from './_models.js';

interface LogisticResponse {
  classifier: string;
  coef: number[][];
  intercept: number[];
  probabilities: ArraySpec;
  attacks: ArraySpec[];
}

const ATTACKS = [
  { name: 'fgsm', norm: 'inf', eps: 0.05 },
  { name: 'fgsm', norm: '2', eps: 0.5 },
  { name: 'pgd', norm: 'inf', eps: 0.1, step: 0.01, iterations: 10 },
  { name: 'pgd', norm: '2', eps: 1.0, step: 0.15, iterations: 10 },
] as const;

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++)
    worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
  return worst;
}

function largestStep(a: Float32Array, b: Float32Array, d: number, norm: 'inf' | 2): number {
  let worst = 0;
  for (let r = 0; r < a.length / d; r++) {
    let acc = 0;
    for (let j = 0; j < d; j++) {
      const diff = Math.abs((a[r * d + j] as number) - (b[r * d + j] as number));
      acc = norm === 'inf' ? Math.max(acc, diff) : acc + diff * diff;
    }
    worst = Math.max(worst, norm === 'inf' ? acc : Math.sqrt(acc));
  }
  return worst;
}

describe.each(['digits', 'breast-cancer'] as const)(
  'logistic regression on %s, against ART',
  (name) => {
    it('gives the same FGSM and PGD adversarial examples to 1e-5', async () => {
      const rows = await scaledFixture(name);
      const d = rows.features.length;
      const all = Array.from({ length: rows.n }, (_, i) => i);
      const train = pickRows(
        rows,
        d,
        all.filter((i) => i % 4 !== 0),
      );
      const test = pickRows(
        rows,
        d,
        all.filter((i) => i % 4 === 0),
      );
      const { response, array } = await runArt<LogisticResponse>('logistic', {
        xTrain: { data: train.x, shape: [train.n, d] },
        yTrain: { data: train.y, shape: [train.n] },
        x: { data: test.x, shape: [test.n, d] },
        y: { data: test.y, shape: [test.n] },
        C: 1,
        clip: [0, 1],
        attacks: ATTACKS,
      });
      expect(response.classifier).toBe('ScikitlearnLogisticRegression');

      const target = await createTfModelTarget({
        model: logisticModel(response.coef, response.intercept),
      });
      const ours = await target.predict(test.x, test.n);
      expect(
        maxAbsDiff(ours.probabilities as Float32Array, await array(response.probabilities)),
      ).toBeLessThan(1e-5);

      for (const [i, attack] of ATTACKS.entries()) {
        const norm = attack.norm === 'inf' ? 'inf' : 2;
        const options = { epsilon: attack.eps, norm, constraints: { min: 0, max: 1 } } as const;
        const outcome =
          attack.name === 'fgsm'
            ? await fgsm(target, test, options)
            : await pgd(target, test, {
                ...options,
                stepSize: attack.step,
                iterations: attack.iterations,
                earlyStop: false,
              });
        const art = (await array(response.attacks[i] as ArraySpec)) as Float32Array;
        expect(outcome.stopped).toBeUndefined();
        expect(outcome.attacked).toBe(test.n);
        // The attack moved rows by a good part of epsilon (so equality is not trivially true).
        expect(largestStep(test.x, art, d, norm)).toBeGreaterThan(attack.eps / 2);
        expect(maxAbsDiff(outcome.adversarial, art), `${attack.name} ${attack.norm}`).toBeLessThan(
          1e-5,
        );
        expect(outcome.success.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
      }
    });
  },
);
