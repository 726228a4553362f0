import { resolve } from 'node:path';
import { dataDriftCheck } from '@mlwarden/checks';
import { openDataset, UsageError } from '@mlwarden/core';
import { defineCommand } from '../command.js';
import { focusedRun } from '../focused-run.js';

export const dataDriftCommand = defineCommand({
  name: 'data drift',
  summary: 'compare a current dataset with a reference: per-column and dataset drift',
  usage:
    'mlwarden data drift --reference <dataset> --current <dataset> [--columns a,b] [--mode auto|exact|sketch] [--workers n|auto] [options]',
  help: `Numeric columns: KS statistic and p-value, Wasserstein-1 / reference std, PSI on the
reference deciles. Categorical: chi-square and Jensen-Shannon distance. Decision as Evidently's
default: reference of 1000 rows or fewer -> p < 0.05; larger -> 0.1 on the distances; dataset
drift when at least half the columns drift. Thresholds: mlwarden explain data.drift.

Options:
      --reference <dataset>  the trusted baseline (required)
      --current <dataset>    the data under test (required)
      --columns <a,b>        only these columns
      --mode <m>             auto (default: exact up to 5M rows, then sketches with stated
                             error bounds), exact, or sketch
      --workers <n|auto>     threads for large data (default auto: one per core from 1M values;
                             1: this thread only). The report is the same for any number`,
  options: {
    reference: { type: 'string' },
    current: { type: 'string' },
    columns: { type: 'string' },
    mode: { type: 'string' },
    workers: { type: 'string' },
  },
  async run(context) {
    const { io, values, positionals } = context;
    if (positionals.length > 0)
      throw new UsageError('data drift takes --reference and --current, not arguments');
    if (typeof values.reference !== 'string' || typeof values.current !== 'string') {
      throw new UsageError('data drift needs --reference <dataset> and --current <dataset>');
    }
    const open = (file: string) => openDataset(resolve(io.cwd, file), { source: file });
    const [reference, dataset] = await Promise.all([open(values.reference), open(values.current)]);
    let workers: number | 'auto' | undefined;
    if (typeof values.workers === 'string') {
      workers = values.workers === 'auto' ? 'auto' : Number(values.workers);
      if (workers !== 'auto' && !(Number.isInteger(workers) && workers >= 1)) {
        throw new UsageError(
          `--workers "${values.workers}" must be a whole number from 1, or auto`,
        );
      }
    }
    const options = {
      ...(typeof values.columns === 'string' && { columns: values.columns.split(',') }),
      ...(typeof values.mode === 'string' && { mode: values.mode }),
      ...(workers !== undefined && { workers }),
    };
    return focusedRun(
      context,
      [dataDriftCheck],
      { reference, dataset },
      { 'data.drift': { options } },
    );
  },
});
