import { resolve } from 'node:path';
import { backdoorCheck, labelNoiseCheck, outliersCheck } from '@mlwarden/checks';
import { type Inputs, openDataset, UsageError } from '@mlwarden/core';
import { defineCommand } from '../command.js';
import { focusedRun } from '../focused-run.js';

export const dataPoisoningCommand = defineCommand({
  name: 'data poisoning',
  summary: 'hunt for poisoned training data: label noise, outliers, backdoor triggers',
  usage:
    'mlwarden data poisoning <dataset> --label <col> [--reference <dataset>] [--exclude a,b] [options]',
  help: `Runs poisoning.label-noise (rows whose label disagrees with out-of-fold predictions and their
neighbours; duplicates with conflicting labels), poisoning.outliers (robust multivariate
outliers, and jumps in the outlier rate against --reference) and poisoning.backdoor (rare values
or value pairs almost always paired with one label).

Options:
      --label <col>          the label column (required)
      --reference <dataset>  trusted data, for the outlier rate
      --exclude <a,b>        columns to leave out (ids, timestamps)
      --embeddings <a,b>     embedding columns, for spectral signatures
      --seed <n>             seed`,
  options: {
    label: { type: 'string' },
    reference: { type: 'string' },
    exclude: { type: 'string' },
    embeddings: { type: 'string' },
    seed: { type: 'string' },
  },
  async run(context) {
    const { io, values, positionals } = context;
    const [file, ...extra] = positionals;
    if (file === undefined || extra.length > 0)
      throw new UsageError('data poisoning takes exactly one dataset');
    if (typeof values.label !== 'string')
      throw new UsageError('data poisoning needs --label <column>');
    const label = values.label;
    const exclude = typeof values.exclude === 'string' ? values.exclude.split(',') : [];
    const seed = values.seed === undefined ? undefined : Number(values.seed);
    if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0)) {
      throw new UsageError(`--seed "${String(values.seed)}" must be a whole number`);
    }
    const open = (f: string) => openDataset(resolve(io.cwd, f), { source: f });
    const inputs: Inputs = {
      dataset: await open(file),
      ...(typeof values.reference === 'string' && { reference: await open(values.reference) }),
    };
    return focusedRun(
      context,
      [labelNoiseCheck, outliersCheck, backdoorCheck],
      inputs,
      {
        'poisoning.label-noise': { options: { label, exclude } },
        'poisoning.outliers': { options: { exclude: [...exclude, label] } },
        'poisoning.backdoor': {
          options: {
            label,
            exclude,
            ...(typeof values.embeddings === 'string' && {
              embeddings: values.embeddings.split(','),
            }),
          },
        },
      },
      seed,
    );
  },
});
