import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '../../..');
const fixtures = resolve(repo, 'packages/adversarial/test/__fixtures__');
const digits = join(fixtures, 'digits.arrow');

interface Evasion {
  status: string;
  metrics: {
    cleanAccuracy: number;
    curve: { epsilon: number; robustAccuracy: number; successRate: number; queries: number }[];
  };
  findings: { message: string }[];
  incomplete?: string[];
  error?: { message: string; code?: string; hint?: string };
}

async function attack(args: string[]) {
  const { code, stdout, stderr } = await runCli(
    ['attack', '--data', digits, '--label', 'target', '-f', 'json', '--quiet', ...args],
    repo,
  );
  const result = stdout === '' ? undefined : (JSON.parse(stdout).results[0] as Evasion);
  return { code, stderr, result };
}

let dir: string;
let onnxModel: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlwarden-cli-attack-'));
  onnxModel = join(dir, 'digits-logistic.onnx');
  // A real skl2onnx export of a scikit-learn model fitted on the same 64 pixel columns.
  const venv = (await run(join(repo, 'scripts/py-venv'), ['onnx'])).stdout.trim();
  const script = `
import sys
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from skl2onnx import to_onnx
import numpy as np
x, y = load_digits(return_X_y=True)
model = LogisticRegression(max_iter=3000).fit(x[:1200], y[:1200])
onx = to_onnx(model, x[:1].astype(np.float32), options={id(model): {"zipmap": False}})
open(sys.argv[1], "wb").write(onx.SerializeToString())
`;
  await run(join(venv, 'bin/python'), ['-c', script, onnxModel]);
}, 300_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('mlwarden attack on model files', () => {
  it('gives a graph model.json the same FGSM curve as the Layers model with the same weights', async () => {
    const common = ['--attack', 'fgsm', '--epsilon', '1,4', '--max-rows', '60', '--seed', '3'];
    const layers = await attack([
      '--model',
      join(fixtures, 'tfjs/digits-layers/model.json'),
      ...common,
    ]);
    const graph = await attack([
      '--model',
      join(fixtures, 'tfjs/digits-graph/model.json'),
      ...common,
    ]);
    expect(layers.result?.status).not.toBe('error');
    expect(graph.result?.metrics).toEqual(layers.result?.metrics);
    const curve = graph.result?.metrics.curve ?? [];
    expect(graph.result?.metrics.cleanAccuracy).toBeGreaterThan(0.85);
    // Larger perturbations fool more rows.
    expect(curve[1]?.robustAccuracy).toBeLessThan(curve[0]?.robustAccuracy as number);
  });

  it('names the op without a gradient and points at black-box attacks', async () => {
    const sliced = join(fixtures, 'tfjs/sliced-graph/model.json');
    const white = await attack(['--model', sliced, '--attack', 'fgsm', '--max-rows', '10']);
    expect(white.code).toBe(3);
    expect(white.result?.error?.code).toBe('MLW_MODEL_NO_GRADIENT');
    expect(white.result?.error?.message).toMatch(/StridedSlice/);
    expect(white.result?.error?.hint).toMatch(/hsj|square/);
    const black = await attack([
      '--model',
      sliced,
      '--attack',
      'square',
      '--epsilon',
      '4',
      '--budget',
      '300',
      '--max-rows',
      '10',
    ]);
    expect(black.result?.status).not.toBe('error');
    expect(black.result?.metrics.curve[0]?.queries).toBeGreaterThan(0);
  });

  it('attacks an ONNX model black-box, deterministically, and stops at its budget', async () => {
    const square = (epsilon: string, budget: string) => [
      '--model',
      onnxModel,
      '--attack',
      'square',
      '--norm',
      '2',
      '--epsilon',
      epsilon,
      '--budget',
      budget,
      '--max-rows',
      '10',
      '--seed',
      '7',
    ];
    const first = await attack(square('30', '2000'));
    const second = await attack(square('30', '2000'));
    expect(first.result?.status).not.toBe('error');
    expect(first.result?.metrics.cleanAccuracy).toBeGreaterThan(0.8);
    const point = first.result?.metrics.curve[0];
    expect(point?.successRate).toBeGreaterThan(0.5);
    expect(point?.queries).toBeGreaterThan(0);
    expect(second.result?.metrics).toEqual(first.result?.metrics);
    // A smaller epsilon needs more queries than the budget allows: partial, never past it.
    const starved = await attack(square('8', '400'));
    expect(starved.result?.status).not.toBe('pass');
    expect(starved.result?.incomplete?.join(' ')).toMatch(/budget of 400 exhausted/);
    const spent = (starved.result?.metrics as { queries?: number } | undefined)?.queries;
    expect(spent).toBeGreaterThan(0);
    expect(spent).toBeLessThanOrEqual(400);
  });

  it('refuses a white-box attack on an ONNX model with a clear message', async () => {
    const { code, result, stderr } = await attack(['--model', onnxModel, '--attack', 'pgd']);
    expect(code).not.toBe(0);
    expect(`${result?.error?.message ?? ''} ${result?.error?.hint ?? ''} ${stderr}`).toMatch(
      /gradient|black-box|hsj|square/i,
    );
  });
});
