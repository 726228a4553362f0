import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { saveLayersModel } from '../../checks/src/poisoning/_test-layers-model.js';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mlw-fair-'));
// Group b is selected far less often than group a for the same true outcomes.
const rows = Array.from({ length: 400 }, (_, i) => {
  const group = i % 2 === 0 ? 'a' : 'b';
  const label = i % 4 < 2 ? 1 : 0;
  const prediction = group === 'a' ? label : i % 8 === 1 ? 1 : 0;
  return `${group},${i % 3 === 0 ? 'x' : 'y'},${label},${prediction}`;
});
writeFileSync(join(dir, 'scored.csv'), `group,region,label,prediction\n${rows.join('\n')}\n`);

const fairness = (sensitive: string) =>
  runCli(
    [
      'fairness',
      'scored.csv',
      '--label',
      'label',
      '--prediction',
      'prediction',
      '--sensitive',
      sensitive,
      '-f',
      'json',
    ],
    dir,
  );

describe('mlwarden fairness', () => {
  it('reports the disparity with Fairlearn-named metrics', async () => {
    const { code, stdout } = await fairness('group,region');
    expect(code).toBe(1);
    const result = JSON.parse(stdout).results[0];
    expect(result.checkId).toBe('fairness.group');
    expect(JSON.stringify(result.metrics)).toContain('demographicParityDifference');
    expect(result.findings.length).toBeGreaterThan(0);
  });

  it('ends as an error naming the column when a sensitive column is missing (exit 3)', async () => {
    const { code, stdout } = await fairness('nope');
    expect(code).toBe(3);
    const result = JSON.parse(stdout).results[0];
    expect(result.status).toBe('error');
    expect(result.error.message).toContain('nope');
  });
});

describe('mlwarden data poisoning', () => {
  it('runs the three detectors on the quick start reference data', async () => {
    const quickstart = join(import.meta.dirname, '../../../examples/quickstart');
    const { stdout } = await runCli(
      [
        'data',
        'poisoning',
        'data/reference.csv',
        '--label',
        'churned',
        '--exclude',
        'notes,plan',
        '-f',
        'json',
      ],
      quickstart,
    );
    const ids = JSON.parse(stdout).results.map((r: { checkId: string; status: string }) => [
      r.checkId,
      r.status,
    ]);
    expect(ids.map((x: string[]) => x[0])).toEqual([
      'poisoning.label-noise',
      'poisoning.outliers',
      'poisoning.backdoor',
    ]);
    expect(ids.every((x: string[]) => x[1] !== 'error')).toBe(true);
  });
});

describe('mlwarden data poisoning with a TensorFlow.js layer', () => {
  // 4 features; class 0 holds 24 planted rows far out on feature 3. The model's "hidden" layer is
  // the identity, so its activations are the features themselves.
  const n = 400;
  const lines: string[] = [];
  const planted: number[] = [];
  let seed = 11;
  const uniform = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    const poison = label === 0 && i % 16 === 0 && planted.length < 24;
    if (poison) planted.push(i);
    const f = [0, 1, 2, 3].map((j) => uniform() * 2 + (label === 1 && j < 2 ? 3 : 0));
    if (poison) f[3] = (f[3] as number) + 9;
    lines.push(`${f.map((v) => v.toFixed(5)).join(',')},${label}`);
  }
  writeFileSync(join(dir, 'embedded.csv'), `f0,f1,f2,f3,label\n${lines.join('\n')}\n`);

  async function saveModel(): Promise<string> {
    const model = tf.sequential();
    model.add(
      tf.layers.dense({ units: 4, inputShape: [4], name: 'hidden', kernelInitializer: 'identity' }),
    );
    model.add(tf.layers.dense({ units: 2, activation: 'softmax', name: 'out' }));
    return saveLayersModel(model, mkdtempSync(join(tmpdir(), 'mlw-model-')));
  }

  const poisoning = (model: string, layer: string) =>
    runCli(
      [
        'data',
        'poisoning',
        'embedded.csv',
        '--label',
        'label',
        '--activations-model',
        model,
        '--activations-layer',
        layer,
        '-f',
        'json',
      ],
      dir,
    );

  it('clusters the layer activations and names the planted rows', async () => {
    const model = await saveModel();
    const { stdout } = await poisoning(model, 'hidden');
    const backdoor = JSON.parse(stdout).results.find(
      (r: { checkId: string }) => r.checkId === 'poisoning.backdoor',
    );
    expect(backdoor.status).not.toBe('error');
    const clusters = backdoor.findings.filter((f: { ruleId: string }) =>
      f.ruleId.endsWith('/activation-cluster'),
    );
    expect(clusters).toHaveLength(1);
    expect([...clusters[0].location.rows].sort((a: number, b: number) => a - b)).toEqual(planted);
  });

  it('reports an unknown layer as an error that lists the layers', async () => {
    const model = await saveModel();
    const { stdout } = await poisoning(model, 'nope');
    const backdoor = JSON.parse(stdout).results.find(
      (r: { checkId: string }) => r.checkId === 'poisoning.backdoor',
    );
    expect(backdoor.status).toBe('error');
    expect(backdoor.error.code).toBe('MLW_MODEL_LAYER_UNKNOWN');
    expect(`${backdoor.error.message} ${backdoor.error.hint ?? ''}`).toMatch(/hidden/);
  });
});
