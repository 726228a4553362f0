import { resolve } from 'node:path';
import { membershipInferenceCheck, modelExtractionCheck } from '@mlwarden/adversarial';
import { type Inputs, openDataset, UsageError } from '@mlwarden/core';
import { defineCommand } from '../command.js';
import { focusedRun } from '../focused-run.js';
import { openModel } from '../open-model.js';

const ATTACKS = {
  membership: membershipInferenceCheck,
  extraction: modelExtractionCheck,
} as const;

export const privacyCommand = defineCommand({
  name: 'privacy',
  summary: 'membership inference and model extraction against a model',
  usage:
    'mlwarden privacy <membership|extraction> --model <model.json|model.onnx|endpoint> --data <dataset> [--reference <dataset>] --label <column> [options]',
  help: `membership   how well an attacker tells training rows (--data) from held-out rows
             (--reference): AUC and TPR at 1% and 0.1% FPR, with confidence intervals
extraction   how closely a surrogate trained on the model's answers to queries drawn from
             --data agrees with it on --reference (fidelity vs queries spent)

Options:
      --model <path|uri>        model.json, model.onnx or endpoint URI (required)
      --data <dataset>          training members (membership) or the attacker's pool (extraction)
      --reference <dataset>     held-out rows
      --label <column>          the class column (default: label)
      --budget <n>              hard cap on model queries
      --seed <n>                seed`,
  options: {
    model: { type: 'string' },
    data: { type: 'string' },
    reference: { type: 'string' },
    label: { type: 'string' },
    budget: { type: 'string' },
    seed: { type: 'string' },
  },
  async run(context) {
    const { io, values, positionals } = context;
    const [kind, ...extra] = positionals;
    if ((kind !== 'membership' && kind !== 'extraction') || extra.length > 0) {
      throw new UsageError('privacy takes one attack: membership or extraction');
    }
    if (typeof values.model !== 'string') throw new UsageError(`privacy ${kind} needs --model`);
    if (typeof values.data !== 'string') throw new UsageError(`privacy ${kind} needs --data`);
    const budget = values.budget === undefined ? undefined : Number(values.budget);
    if (budget !== undefined && !(Number.isInteger(budget) && budget >= 0)) {
      throw new UsageError(`--budget "${String(values.budget)}" must be a whole number`);
    }
    const seed = values.seed === undefined ? undefined : Number(values.seed);
    if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0)) {
      throw new UsageError(`--seed "${String(values.seed)}" must be a whole number`);
    }
    const inputs: Inputs = {
      model: await openModel(values.model, io),
      dataset: await openDataset(resolve(io.cwd, values.data), { source: values.data }),
      ...(typeof values.reference === 'string' && {
        reference: await openDataset(resolve(io.cwd, values.reference), {
          source: values.reference,
        }),
      }),
    };
    const check = ATTACKS[kind];
    const options = {
      ...(typeof values.label === 'string' && { label: values.label }),
      ...(budget !== undefined && { budget }),
    };
    return focusedRun(context, [check], inputs, { [check.meta.id]: { options } }, seed);
  },
});
