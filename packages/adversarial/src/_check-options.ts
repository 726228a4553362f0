import type { CheckContext, Dataset, ModelTarget } from '@mlwarden/core';
import { z } from 'zod';
import { type LimitedTarget, limitQueries } from './query-limiter.js';
import { type LabelledData, readLabelledRows } from './read-labelled-rows.js';
import { resolveConstraints, type TabularConstraints } from './tabular-constraints.js';

const bounds = z.tuple([z.number(), z.number()]);

/** Options every attack check shares: data columns, query limits, tabular constraints. */
export const commonAttackOptions = {
  label: z
    .string()
    .default('label')
    .describe('Column of the dataset holding the true class (index or class name).'),
  features: z
    .array(z.string())
    .optional()
    .describe(
      "Feature columns in the model's input order. Default: every numeric column but the label.",
    ),
  budget: z
    .number()
    .int()
    .nonnegative()
    .optional()
    .describe(
      'Hard cap on model queries (rows evaluated). Default: no cap for white-box models, 100 000 for black-box targets.',
    ),
  requestsPerSecond: z
    .number()
    .positive()
    .optional()
    .describe('Most requests started per second against the target. Default: unlimited.'),
  concurrency: z.number().int().positive().default(4).describe('Most requests in flight at once.'),
  constraints: z
    .object({
      bounds: z.record(z.string(), bounds).optional().describe('Per-feature [min, max].'),
      defaultBounds: bounds
        .optional()
        .describe('[min, max] of every feature without its own bounds.'),
      immutable: z.array(z.string()).optional().describe('Features the attacker cannot change.'),
      integer: z.array(z.string()).optional().describe('Features that must stay whole numbers.'),
      oneHot: z
        .array(z.array(z.string()))
        .optional()
        .describe('Groups of one-hot encoded features.'),
    })
    .optional()
    .describe('Tabular validity rules adversarial rows must keep.'),
};

/** Queries allowed against a black-box target when the configuration sets no budget. */
export const DEFAULT_BLACK_BOX_BUDGET = 100_000;

export interface CommonAttackOptions {
  label: string;
  features?: string[] | undefined;
  budget?: number | undefined;
  requestsPerSecond?: number | undefined;
  concurrency: number;
  constraints?:
    | {
        bounds?: Record<string, [number, number]> | undefined;
        defaultBounds?: [number, number] | undefined;
        immutable?: string[] | undefined;
        integer?: string[] | undefined;
        oneHot?: string[][] | undefined;
      }
    | undefined;
}

/** The model behind the configured query limits. */
export function limitedModel(model: ModelTarget, options: CommonAttackOptions): LimitedTarget {
  const budget = options.budget ?? (model.gradient ? undefined : DEFAULT_BLACK_BOX_BUDGET);
  return limitQueries(model, {
    ...(budget !== undefined && { budget }),
    ...(options.requestsPerSecond !== undefined && {
      requestsPerSecond: options.requestsPerSecond,
    }),
    concurrency: options.concurrency,
  });
}

export async function readRows(
  dataset: Dataset,
  options: CommonAttackOptions,
  context: CheckContext<unknown>,
  maxRows: number,
  withLabel = true,
): Promise<LabelledData> {
  return readLabelledRows(dataset, {
    ...(withLabel ? { label: options.label } : { exclude: [options.label] }),
    ...(options.features !== undefined && { features: options.features }),
    ...(context.inputs.model?.classes !== undefined && { classes: context.inputs.model.classes }),
    maxRows,
    signal: context.signal,
  });
}

function constraintsOf(
  options: CommonAttackOptions,
  features: string[],
): TabularConstraints | undefined {
  if (options.constraints === undefined) return undefined;
  const c = options.constraints;
  return resolveConstraints(
    {
      ...(c.bounds !== undefined && { bounds: c.bounds }),
      ...(c.defaultBounds !== undefined && { defaultBounds: c.defaultBounds }),
      ...(c.immutable !== undefined && { immutable: c.immutable }),
      ...(c.integer !== undefined && { integer: c.integer }),
      ...(c.oneHot !== undefined && { oneHot: c.oneHot }),
    },
    features,
  );
}

/** The settings every attack takes from its check: tabular constraints, seed, abort signal, progress. */
export interface AttackRunSettings {
  constraints?: TabularConstraints;
  seed: number;
  signal: AbortSignal;
  onProgress: (done: number, total: number, label: string) => void;
}

/** {@link AttackRunSettings} from a check's context and options, for rows with these features. */
export function attackRunSettings(
  context: CheckContext<unknown>,
  options: CommonAttackOptions,
  features: string[],
): AttackRunSettings {
  const constraints = constraintsOf(options, features);
  return {
    ...(constraints !== undefined && { constraints }),
    seed: context.seed,
    signal: context.signal,
    onProgress: (done, total, label) => context.progress(done, total, label),
  };
}

/** Rounds a metric for reports (keeps them readable and stable across platforms). */
export function round(value: number, digits = 4): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
