import { beforeAll, describe, expect, it } from 'vitest';
import { blackBox, digitsMlp } from '../test/_digits-model.js';
import { modelExtraction } from './model-extraction.js';
import { limitQueries } from './query-limiter.js';
import type { TfModelTarget } from './tf-model-target.js';

let target: TfModelTarget;
let pool: Float32Array;
let evaluation: Float32Array;

beforeAll(async () => {
  const trained = await digitsMlp();
  target = trained.target;
  // The attacker holds digits the model never saw; fidelity is measured on others.
  pool = trained.test.x.slice(0, 400 * 64);
  evaluation = trained.test.x.slice(400 * 64);
});

describe('modelExtraction', () => {
  it('copies the model better the more queries it spends', async () => {
    const result = await modelExtraction(blackBox(target, true), {
      budgets: [20, 100, 400],
      pool,
      evaluation,
      surrogate: { epochs: 40 },
      seed: 3,
    });
    expect(result.complete).toBe(true);
    expect(result.usedScores).toBe(true);
    expect(result.curve.map((p) => p.queries)).toEqual([20, 100, 400]);
    const [a, b, c] = result.curve.map((p) => p.fidelity) as [number, number, number];
    expect(b).toBeGreaterThan(a);
    expect(c).toBeGreaterThan(b);
    expect(c).toBeGreaterThan(0.8);
    expect(result.queries.used).toBe(400 + evaluation.length / 64);
  });

  it('stops at a hard budget with the points measured so far, spending it exactly', async () => {
    const evaluationRows = evaluation.length / 64;
    const limited = limitQueries(blackBox(target, false), { budget: evaluationRows + 150 });
    const result = await modelExtraction(limited, {
      budgets: [100, 250, 500],
      strategy: 'adversarial',
      pool,
      evaluation,
      surrogate: { epochs: 20 },
      seed: 4,
    });
    expect(result.complete).toBe(false);
    expect(result.stopped?.kind).toBe('budget');
    expect(result.usedScores).toBe(false);
    expect(result.curve.map((p) => p.queries)).toEqual([100, 150]);
    expect(limited.queries.used).toBe(evaluationRows + 150);
  });

  it('random queries need no attacker data', async () => {
    const result = await modelExtraction(blackBox(target, true), {
      budgets: [50],
      strategy: 'random',
      evaluation,
      constraints: { min: 0, max: 1 },
      surrogate: { epochs: 10 },
    });
    expect(result.curve).toHaveLength(1);
    expect(result.curve[0]?.fidelity).toBeGreaterThanOrEqual(0);
  });
});
