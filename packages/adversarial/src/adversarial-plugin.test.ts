import { readFileSync } from 'node:fs';
import { pluginProblems } from '@mlwarden/core';
import { CheckTester } from '@mlwarden/core/testing';
import { tableFromArrays } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { datasetFromTable } from '../test/_datasets.js';
import { blackBox, digitsMlp } from '../test/_digits-model.js';
import { adversarialPlugin } from './adversarial-plugin.js';
import { membershipInferenceCheck } from './membership-inference-check.js';
import { modelExtractionCheck } from './model-extraction-check.js';
import { robustnessEvasionCheck } from './robustness-evasion-check.js';
import type { TfModelTarget } from './tf-model-target.js';
import { VERSION } from './version.js';

let target: TfModelTarget;
let trainTable: ReturnType<typeof datasetFromTable>;
let testTable: ReturnType<typeof datasetFromTable>;

function table(rows: { x: Float32Array; y: Int32Array; n: number }, name: string) {
  const columns: Record<string, Float32Array | Int32Array> = {};
  for (let j = 0; j < 64; j++) {
    const column = new Float32Array(rows.n);
    for (let i = 0; i < rows.n; i++) column[i] = rows.x[i * 64 + j] as number;
    columns[`pixel_${j}`] = column;
  }
  columns.digit = rows.y;
  return datasetFromTable(tableFromArrays(columns), name);
}

beforeAll(async () => {
  const trained = await digitsMlp();
  target = trained.target;
  trainTable = table(trained.train, 'digits-train.arrow');
  testTable = table(trained.test, 'digits-test.arrow');
});

describe('adversarialPlugin', () => {
  it('is a valid plugin whose version matches package.json', () => {
    expect(pluginProblems(adversarialPlugin)).toEqual([]);
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(VERSION).toBe(pkg.version);
    expect(adversarialPlugin.checks.map((c) => c.meta.id)).toEqual([
      'robustness.evasion',
      'privacy.membership-inference',
      'privacy.model-extraction',
    ]);
  });
});

describe('robustness.evasion', () => {
  const tester = new CheckTester(robustnessEvasionCheck);

  it('fails when robust accuracy at epsilon is below the threshold, with the curve in metrics', async () => {
    const result = await tester.expect(
      {
        inputs: { model: target, dataset: testTable },
        options: {
          label: 'digit',
          epsilons: [0.02, 0.1],
          epsilon: 0.1,
          minRobustAccuracy: 0.6,
          maxRows: 150,
          constraints: { defaultBounds: [0, 1] },
        },
      },
      {
        status: 'fail',
        findings: [{ rule: 'low-robust-accuracy', severity: 'high', message: /pgd/ }],
      },
    );
    const curve = result.metrics.curve as { epsilon: number; robustAccuracy: number }[];
    expect(curve.map((p) => p.epsilon)).toEqual([0.02, 0.1]);
    expect(result.metrics.attack).toBe('pgd');
    expect(result.findings[0]?.taxonomy.atlas).toContain('AML.T0043.000');
    expect(result.findings[0]?.taxonomy.owasp).toEqual(['ML01']);
  });

  it('passes when the model holds up at the configured epsilon', async () => {
    await tester.expect(
      {
        inputs: { model: target, dataset: testTable },
        options: { label: 'digit', epsilons: [0.001], epsilon: 0.001, maxRows: 100 },
      },
      { status: 'pass', findings: [] },
    );
  });

  it('is incomplete, never pass, when the query budget of a black-box target runs out', async () => {
    const result = await tester.expect(
      {
        inputs: { model: blackBox(target, false), dataset: testTable },
        options: { label: 'digit', epsilon: 0.5, epsilons: [0.5], budget: 1500, maxRows: 40 },
      },
      { status: 'incomplete' },
    );
    expect(result.metrics.attack).toBe('hsj');
    expect(result.metrics.queries as number).toBeLessThanOrEqual(1500);
  });

  it('runs the L2 square attack on a score-only target when configured with norm 2', async () => {
    const result = await tester.expect(
      {
        inputs: { model: blackBox(target, true), dataset: testTable },
        options: {
          label: 'digit',
          attack: 'square',
          norm: '2',
          epsilons: [0.5, 1.5],
          epsilon: 1.5,
          iterations: 100,
          minRobustAccuracy: 0.5,
          maxRows: 40,
          constraints: { defaultBounds: [0, 1] },
        },
      },
      {
        status: 'fail',
        findings: [{ rule: 'low-robust-accuracy', message: /square attack \(L2, epsilon 1.5\)/ }],
      },
    );
    expect(result.metrics.attack).toBe('square');
    expect(result.metrics.norm).toBe('2');
    const curve = result.metrics.curve as { robustAccuracy: number; meanPerturbation: number }[];
    expect(curve[1]?.robustAccuracy).toBeLessThan(curve[0]?.robustAccuracy as number);
    expect(curve[1]?.meanPerturbation).toBeLessThanOrEqual(1.5);
    expect(result.findings[0]?.taxonomy.atlas).toContain('AML.T0043.001');
  });

  it('names a missing label column', async () => {
    const result = await tester.run({
      inputs: { model: target, dataset: testTable },
      options: { label: 'class' },
    });
    expect(result.status).toBe('error');
    expect(result.error?.message).toMatch(/no label column "class"/);
  });
});

describe('privacy checks', () => {
  it('membership inference is skipped without held-out data', async () => {
    const result = await new CheckTester(membershipInferenceCheck).run({
      inputs: { model: target, dataset: trainTable },
      options: { label: 'digit' },
    });
    expect(result.status).toBe('skip');
  });

  it('membership inference reports AUC with intervals', async () => {
    const result = await new CheckTester(membershipInferenceCheck).run({
      inputs: { model: target, dataset: trainTable, reference: testTable },
      options: { label: 'digit', maxRows: 300, bootstrap: 50, maxAuc: 0.99 },
    });
    expect(result.status).toBe('pass');
    const attacks = result.metrics.attacks as {
      attack: string;
      auc: number;
      aucInterval: number[];
    }[];
    expect(attacks.map((a) => a.attack)).toEqual(['loss', 'confidence']);
    expect(attacks[0]?.aucInterval[0]).toBeLessThanOrEqual(attacks[0]?.auc as number);
  });

  it('model extraction fails when a cheap surrogate reaches the fidelity threshold', async () => {
    await new CheckTester(modelExtractionCheck).expect(
      {
        inputs: { model: blackBox(target, true), dataset: testTable },
        options: {
          label: 'digit',
          budgets: [50, 300],
          maxQueries: 300,
          minFidelity: 0.6,
          evaluationRows: 150,
          epochs: 30,
        },
      },
      { status: 'fail', findings: [{ rule: 'model-extractable', severity: 'medium' }] },
    );
  });
});
