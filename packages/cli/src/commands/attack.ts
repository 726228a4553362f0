import { resolve } from 'node:path';
import { robustnessEvasionCheck } from '@mlwarden/adversarial';
import { openDataset, UsageError } from '@mlwarden/core';
import { defineCommand } from '../command.js';
import { focusedRun } from '../focused-run.js';
import { openModel } from '../open-model.js';

function numbers(value: unknown, flag: string): number[] | undefined {
  if (value === undefined) return undefined;
  const list = String(value).split(',').map(Number);
  if (list.length === 0 || list.some((n) => !Number.isFinite(n) || n < 0)) {
    throw new UsageError(
      `${flag} "${String(value)}" must be a comma-separated list of non-negative numbers`,
    );
  }
  return list;
}

function count(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new UsageError(`${flag} "${String(value)}" must be a whole number`);
  return n;
}

export const attackCommand = defineCommand({
  name: 'attack',
  summary: 'attack a model with adversarial inputs and report its robust accuracy',
  usage:
    'mlwarden attack --model <model.json|model.onnx|endpoint> --data <dataset> --label <column> [--attack fgsm|pgd|hsj|square] [--epsilon 0.05,0.1] [options]',
  help: `White-box attacks (fgsm, pgd) use a TensorFlow.js model's gradients (Layers or graph
model.json); black-box attacks (hsj: labels only, square: scores) work through an ONNX model
(model.onnx) or any endpoint:
  oip+http://127.0.0.1:8080/v2/models/iris, seldon+https://…, seldon-v1+http://…?features=4,
  mlflow+http://127.0.0.1:5001?columns=a,b,c&classes=x,y (mlflow models serve)

Options:
      --model <path|uri>        the model under attack: model.json, model.onnx or endpoint (required)
      --data <dataset>          labelled data: Arrow IPC, Parquet, CSV or NDJSON (required)
      --label <column>          the class column (default: label)
      --attack <name>           fgsm, pgd, hsj, square, or auto (default: pgd if gradients, else hsj)
      --epsilon <list>          perturbation sizes of the robustness curve, e.g. 0.05,0.1
      --norm <inf|2>            perturbation norm of every attack (default inf; hsj: 2)
      --min-robust-accuracy <x> fail when robust accuracy at the largest epsilon is below x (0.5)
      --budget <n>              hard cap on model queries; never exceeded (the run is incomplete)
      --max-rows <n>            rows attacked at most (default 500)
      --seed <n>                seed of random starts and black-box search`,
  options: {
    model: { type: 'string' },
    data: { type: 'string' },
    label: { type: 'string' },
    attack: { type: 'string' },
    epsilon: { type: 'string' },
    norm: { type: 'string' },
    'min-robust-accuracy': { type: 'string' },
    budget: { type: 'string' },
    'max-rows': { type: 'string' },
    seed: { type: 'string' },
  },
  async run(context) {
    const { io, values } = context;
    if (typeof values.model !== 'string')
      throw new UsageError('attack needs --model <model.json|model.onnx|endpoint>');
    if (typeof values.data !== 'string') throw new UsageError('attack needs --data <dataset>');
    const epsilons = numbers(values.epsilon, '--epsilon');
    if (values.norm !== undefined && values.norm !== 'inf' && values.norm !== '2') {
      throw new UsageError(`--norm "${String(values.norm)}" must be inf or 2`);
    }
    const minAccuracy =
      values['min-robust-accuracy'] === undefined
        ? undefined
        : Number(values['min-robust-accuracy']);
    if (minAccuracy !== undefined && !(minAccuracy >= 0 && minAccuracy <= 1)) {
      throw new UsageError('--min-robust-accuracy must be between 0 and 1');
    }
    const options = {
      ...(typeof values.label === 'string' && { label: values.label }),
      ...(typeof values.attack === 'string' && { attack: values.attack }),
      ...(epsilons !== undefined && { epsilons, epsilon: Math.max(...epsilons) }),
      ...(typeof values.norm === 'string' && { norm: values.norm }),
      ...(minAccuracy !== undefined && { minRobustAccuracy: minAccuracy }),
      ...(values.budget !== undefined && { budget: count(values.budget, '--budget') }),
      ...(values['max-rows'] !== undefined && { maxRows: count(values['max-rows'], '--max-rows') }),
    };
    const dataset = await openDataset(resolve(io.cwd, values.data), { source: values.data });
    const model = await openModel(values.model, io);
    const seed = count(values.seed, '--seed');
    return focusedRun(
      context,
      [robustnessEvasionCheck],
      { model, dataset },
      { 'robustness.evasion': { options } },
      seed,
    );
  },
});
