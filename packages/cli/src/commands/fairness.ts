import { resolve } from 'node:path';
import { fairnessGroupCheck } from '@mlwarden/checks';
import { openDataset, UsageError } from '@mlwarden/core';
import { defineCommand } from '../command.js';
import { focusedRun } from '../focused-run.js';

export const fairnessCommand = defineCommand({
  name: 'fairness',
  summary: 'group fairness of predictions: parity, equalized odds, four-fifths rule',
  usage:
    'mlwarden fairness <dataset> --label <col> (--prediction <col> | --score <col> --threshold t) --sensitive a,b [options]',
  help: `Per group of each sensitive feature and of their intersection: counts, selection rate,
accuracy, TPR/FPR/FNR, precision; demographic parity and equalized odds (difference and ratio),
equal opportunity, disparate impact with the four-fifths rule, bootstrap confidence intervals.
Definitions are Fairlearn's. Thresholds: mlwarden explain fairness.group

Options:
      --label <col>           true outcome (required)
      --prediction <col>      predicted outcome
      --score <col>           a score, turned into a prediction with --threshold
      --threshold <t>         decision threshold for --score
      --sensitive <a,b>       sensitive features (required)
      --positive-label <v>    the favourable outcome (default 1)
      --min-group-size <n>    smaller groups are reported but not judged (default 30)
      --seed <n>              bootstrap seed`,
  options: {
    label: { type: 'string' },
    prediction: { type: 'string' },
    score: { type: 'string' },
    threshold: { type: 'string' },
    sensitive: { type: 'string' },
    'positive-label': { type: 'string' },
    'min-group-size': { type: 'string' },
    seed: { type: 'string' },
  },
  async run(context) {
    const { io, values, positionals } = context;
    const [file, ...extra] = positionals;
    if (file === undefined || extra.length > 0)
      throw new UsageError('fairness takes exactly one dataset');
    if (typeof values.label !== 'string') throw new UsageError('fairness needs --label <column>');
    if (typeof values.sensitive !== 'string')
      throw new UsageError('fairness needs --sensitive <a,b>');
    if (typeof values.prediction !== 'string' && typeof values.score !== 'string') {
      throw new UsageError(
        'fairness needs --prediction <column>, or --score <column> with --threshold',
      );
    }
    const number = (flag: string) => {
      const v = values[flag];
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!Number.isFinite(n)) throw new UsageError(`--${flag} "${String(v)}" is not a number`);
      return n;
    };
    const positive = values['positive-label'];
    const options = {
      label: values.label,
      sensitive: values.sensitive.split(','),
      ...(typeof values.prediction === 'string' && { prediction: values.prediction }),
      ...(typeof values.score === 'string' && { score: values.score }),
      ...(number('threshold') !== undefined && { threshold: number('threshold') }),
      ...(typeof positive === 'string' && {
        positiveLabel: Number.isFinite(Number(positive)) ? Number(positive) : positive,
      }),
      ...(number('min-group-size') !== undefined && { minGroupSize: number('min-group-size') }),
    };
    const dataset = await openDataset(resolve(io.cwd, file), { source: file });
    const seed = number('seed');
    return focusedRun(
      context,
      [fairnessGroupCheck],
      { dataset },
      { 'fairness.group': { options } },
      seed,
    );
  },
});
