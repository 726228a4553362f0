import { resolve } from 'node:path';
import { backdoorCheck, labelNoiseCheck, outliersCheck } from '@mlwarden/checks';
import { type Inputs, openDataset, UsageError } from '@mlwarden/core';
import { type CommandContext, defineCommand } from '../command.js';
import { focusedRun } from '../focused-run.js';

export const dataPoisoningCommand = defineCommand({
  name: 'data poisoning',
  summary: 'hunt for poisoned training data: label noise, outliers, backdoor triggers',
  usage:
    'mlwarden data poisoning <dataset> --label <col> [--reference <dataset>] [--exclude a,b] [options]',
  help: `Runs poisoning.label-noise (rows whose label disagrees with out-of-fold predictions and their
neighbours; duplicates with conflicting labels), poisoning.outliers (robust multivariate
outliers, and jumps in the outlier rate against --reference) and poisoning.backdoor (rare values
or value pairs almost always paired with one label; with embedding columns or a TensorFlow.js
model layer, spectral signatures and activation clustering per class).

Options:
      --label <col>          the label column (required)
      --reference <dataset>  trusted data, for the outlier rate
      --exclude <a,b>        columns to leave out (ids, timestamps)
      --embeddings <a,b>     embedding or activation columns, for spectral signatures and
                             activation clustering
      --activations-model <model.json>
                             a TensorFlow.js Layers model run on the feature columns (needs
                             the package @tensorflow/tfjs); with --activations-layer
      --activations-layer <name>
                             the layer whose outputs are analysed
      --activations-features <a,b>
                             the model's input columns in order (default: every numeric
                             column but the label and --exclude)
      --clustering <method>  activation clustering: relative-size (default), silhouette,
                             smaller, or off
      --clustering-dims <n>  PCA dimensions before k-means (default 10)
      --seed <n>             seed`,
  options: {
    label: { type: 'string' },
    reference: { type: 'string' },
    exclude: { type: 'string' },
    embeddings: { type: 'string' },
    'activations-model': { type: 'string' },
    'activations-layer': { type: 'string' },
    'activations-features': { type: 'string' },
    clustering: { type: 'string' },
    'clustering-dims': { type: 'string' },
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
    const backdoor = backdoorSettings(values, io.cwd);
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
            ...backdoor,
          },
        },
      },
      seed,
    );
  },
});

const METHODS = ['relative-size', 'silhouette', 'smaller', 'off'];

/** The representation options of poisoning.backdoor from the command line. */
function backdoorSettings(values: CommandContext['values'], cwd: string): Record<string, unknown> {
  const text = (name: string) =>
    typeof values[name] === 'string' ? (values[name] as string) : undefined;
  const out: Record<string, unknown> = {};
  const embeddings = text('embeddings');
  if (embeddings !== undefined) out.embeddings = embeddings.split(',');
  const model = text('activations-model');
  const layer = text('activations-layer');
  const features = text('activations-features');
  if ((model === undefined) !== (layer === undefined))
    throw new UsageError('--activations-model and --activations-layer go together');
  if (features !== undefined && model === undefined)
    throw new UsageError('--activations-features needs --activations-model');
  if (model !== undefined && embeddings !== undefined)
    throw new UsageError('give either --embeddings or --activations-model, not both');
  if (model !== undefined) {
    out.model = {
      path: resolve(cwd, model),
      layer,
      ...(features !== undefined && { features: features.split(',') }),
    };
  }
  const clustering: Record<string, unknown> = {};
  const method = text('clustering');
  if (method !== undefined) {
    if (!METHODS.includes(method))
      throw new UsageError(`--clustering "${method}" must be one of ${METHODS.join(', ')}`);
    if (method === 'off') clustering.enabled = false;
    else clustering.method = method;
  }
  const dims = text('clustering-dims');
  if (dims !== undefined) {
    const value = Number(dims);
    if (!(Number.isInteger(value) && value >= 1))
      throw new UsageError(`--clustering-dims "${dims}" must be a whole number of at least 1`);
    clustering.dims = value;
  }
  if (Object.keys(clustering).length > 0) out.clustering = clustering;
  return out;
}
