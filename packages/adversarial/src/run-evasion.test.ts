import { beforeAll, describe, expect, it } from 'vitest';
import { blackBox, digitsMlp } from '../test/_digits-model.js';
import { hopSkipJump } from './hop-skip-jump.js';
import { pgd } from './pgd.js';
import { limitQueries } from './query-limiter.js';
import { runEvasion } from './run-evasion.js';
import { squareAttack } from './square-attack.js';
import type { TfModelTarget } from './tf-model-target.js';

let target: TfModelTarget;
let test: { x: Float32Array; y: Int32Array; n: number };
const bounds = { min: 0, max: 1 };

function first(rows: typeof test, n: number) {
  return { x: rows.x.slice(0, n * 64), y: rows.y.slice(0, n), n };
}

function maxDeviation(a: Float32Array, b: Float32Array, row: number, norm: 'inf' | 2): number {
  let acc = 0;
  for (let j = 0; j < 64; j++) {
    const d = Math.abs((a[row * 64 + j] as number) - (b[row * 64 + j] as number));
    acc = norm === 'inf' ? Math.max(acc, d) : acc + d * d;
  }
  return norm === 'inf' ? acc : Math.sqrt(acc);
}

beforeAll(async () => {
  ({ target, test } = await digitsMlp());
});

describe('runEvasion with PGD', () => {
  it('gives a curve whose robust accuracy falls with epsilon, starting at clean accuracy', async () => {
    const rows = first(test, 200);
    const result = await runEvasion(target, rows, {
      attack: 'pgd',
      epsilons: [0.2, 0, 0.05, 0.1],
      constraints: bounds,
    });
    expect(result.complete).toBe(true);
    expect(result.cleanAccuracy).toBeGreaterThan(0.85);
    expect(result.curve.map((p) => p.epsilon)).toEqual([0, 0.05, 0.1, 0.2]);
    expect(result.curve[0]?.robustAccuracy).toBe(result.cleanAccuracy);
    for (let i = 1; i < result.curve.length; i++) {
      expect(result.curve[i]?.robustAccuracy).toBeLessThanOrEqual(
        result.curve[i - 1]?.robustAccuracy as number,
      );
    }
    const last = result.curve[3];
    expect(last?.robustAccuracy).toBeLessThan(0.2);
    expect(last?.meanPerturbation).toBeLessThanOrEqual(0.2 + 1e-6);
    expect(last?.meanPerturbation).toBeGreaterThan(0);
    expect(result.queries.used).toBeGreaterThan(200);
  });

  it('is reproducible with a seeded random start and keeps rows in the ball and bounds', async () => {
    const rows = first(test, 40);
    const options = {
      epsilon: 0.3,
      norm: 2,
      randomStart: true,
      seed: 5,
      constraints: bounds,
    } as const;
    const a = await pgd(target, rows, options);
    const b = await pgd(target, rows, options);
    expect(a.adversarial).toEqual(b.adversarial);
    const c = await pgd(target, rows, { ...options, seed: 6 });
    expect(c.adversarial).not.toEqual(a.adversarial);
    for (let r = 0; r < rows.n; r++) {
      expect(maxDeviation(a.adversarial, rows.x, r, 2)).toBeLessThanOrEqual(0.3 + 1e-5);
    }
    expect(Math.min(...a.adversarial)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a.adversarial)).toBeLessThanOrEqual(1);
  });
});

describe('black-box attacks', () => {
  it('HopSkipJump fools a label-only target with small L2 perturbations', async () => {
    const rows = first(test, 12);
    const outcome = await hopSkipJump(blackBox(target, false), rows, {
      maxIterations: 10,
      seed: 1,
      constraints: bounds,
    });
    expect(outcome.attacked).toBe(12);
    const fooled = Array.from(outcome.success).filter((s) => s === 1).length;
    expect(fooled).toBeGreaterThanOrEqual(10);
    const clean = await target.predict(outcome.adversarial, rows.n);
    for (let r = 0; r < rows.n; r++) {
      if (outcome.success[r] !== 1) continue;
      expect(clean.labels[r]).not.toBe(rows.y[r]);
      expect(outcome.distances[r]).toBeCloseTo(maxDeviation(outcome.adversarial, rows.x, r, 2), 4);
    }
    const median = [...outcome.distances].sort((a, b) => a - b)[6] as number;
    expect(median).toBeLessThan(2);
  });

  it('the square attack fools a score-only target inside the L-infinity ball', async () => {
    const rows = first(test, 60);
    const outcome = await squareAttack(blackBox(target, true), rows, {
      epsilon: 0.2,
      maxIterations: 300,
      seed: 2,
      constraints: bounds,
    });
    expect(outcome.attacked).toBe(60);
    const fooled = Array.from(outcome.success).filter((s) => s === 1).length;
    expect(fooled).toBeGreaterThan(30);
    const check = await target.predict(outcome.adversarial, rows.n);
    for (let r = 0; r < rows.n; r++) {
      expect(maxDeviation(outcome.adversarial, rows.x, r, 'inf')).toBeLessThanOrEqual(0.2 + 1e-6);
      expect(outcome.success[r] === 1).toBe(check.labels[r] !== rows.y[r]);
    }
  });

  it('stops cleanly on budget exhaustion with partial results and never exceeds the budget', async () => {
    const rows = first(test, 30);
    const limited = limitQueries(blackBox(target, false), { budget: 3000 });
    const result = await runEvasion(limited, rows, {
      attack: 'hsj',
      epsilons: [0.5, 1, 2],
      iterations: 30,
      constraints: bounds,
    });
    expect(result.complete).toBe(false);
    expect(result.stopped?.kind).toBe('budget');
    expect(limited.queries.used).toBeLessThanOrEqual(3000);
    expect(result.queries).toEqual({ used: limited.queries.used, budget: 3000 });
    expect(result.cleanAccuracy).toBeGreaterThan(0.8);
    const covered = result.curve[0]?.samples ?? 0;
    expect(covered).toBeGreaterThan(0);
    expect(covered).toBeLessThan(30);
  });

  it('stops the square attack and PGD at the budget too, instead of failing the run', async () => {
    const rows = first(test, 20);
    for (const [attack, model] of [
      ['square', blackBox(target, true)],
      ['pgd', target],
    ] as const) {
      const limited = limitQueries(model, { budget: 400 });
      const result = await runEvasion(limited, rows, {
        attack,
        epsilons: [0.05, 0.1],
        iterations: 200,
        constraints: bounds,
      });
      expect([attack, result.stopped?.kind]).toEqual([attack, 'budget']);
      expect(result.complete).toBe(false);
      expect(limited.queries.used).toBeLessThanOrEqual(400);
      expect(result.cleanAccuracy).toBeGreaterThan(0.8);
    }
  });

  it('refuses white-box attacks on targets without gradients', async () => {
    await expect(
      runEvasion(blackBox(target, true), first(test, 5), { attack: 'pgd', epsilons: [0.1] }),
    ).rejects.toThrow(/offers no gradients/);
  });
});
