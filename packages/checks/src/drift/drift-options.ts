import { z } from 'zod';

/** Options of `data.drift`; every field has a default, so `{}` is a valid configuration. */
export const driftOptions = z
  .object({
    columns: z
      .array(z.string())
      .optional()
      .describe('Columns to compare. Default: every column present in both datasets.'),
    exclude: z.array(z.string()).default([]).describe('Columns never compared.'),
    categorical: z
      .array(z.string())
      .default([])
      .describe('Numeric columns to treat as categories (e.g. integer codes).'),
    smallReferenceRows: z
      .number()
      .int()
      .nonnegative()
      .default(1000)
      .describe(
        'With `auto` tests, a reference of at most this many rows is judged by p-value (KS, chi-square); a larger one by distance (Wasserstein, Jensen-Shannon).',
      ),
    numericTest: z
      .enum(['auto', 'ks', 'wasserstein', 'psi'])
      .default('auto')
      .describe('Test that decides drift of numeric columns.'),
    categoricalTest: z
      .enum(['auto', 'chi2', 'jensenShannon'])
      .default('auto')
      .describe('Test that decides drift of categorical columns.'),
    ksPValue: z.number().gt(0).lt(1).default(0.05).describe('KS: drift when p < this.'),
    chi2PValue: z.number().gt(0).lt(1).default(0.05).describe('Chi-square: drift when p < this.'),
    wasserstein: z
      .number()
      .positive()
      .default(0.1)
      .describe('Wasserstein-1 / reference std: drift when above this.'),
    jensenShannon: z
      .number()
      .positive()
      .max(1)
      .default(0.1)
      .describe('Jensen-Shannon distance: drift when above this.'),
    psi: z.number().positive().default(0.1).describe('PSI: drift when above this.'),
    psiBins: z
      .number()
      .int()
      .min(2)
      .max(100)
      .default(10)
      .describe('PSI bins (reference quantiles).'),
    psiFloor: z.number().positive().max(0.1).default(1e-4).describe('Smallest PSI bin proportion.'),
    driftShare: z
      .number()
      .gt(0)
      .max(1)
      .default(0.5)
      .describe('Dataset drift when at least this share of compared columns drifted.'),
    mode: z
      .enum(['auto', 'exact', 'sketch'])
      .default('auto')
      .describe(
        '`exact` gives the exact statistics; `sketch` skips the exact refinement and reports error bounds; `auto` is exact up to `exactMaxRows`.',
      ),
    exactMaxRows: z
      .number()
      .int()
      .positive()
      .default(5_000_000)
      .describe('With `mode: auto`, datasets larger than this (rows) use sketches.'),
    maxRows: z
      .number()
      .int()
      .positive()
      .default(100_000_000)
      .describe('Rows read from each dataset at most; beyond it the result is incomplete.'),
    workers: z
      .union([z.literal('auto'), z.number().int().min(1).max(64)])
      .default('auto')
      .describe(
        'Worker threads that compare numeric columns in parallel (each column whole on one thread, so values do not depend on it). `auto`: one per core, for datasets of at least a million values; 1: the calling thread only.',
      ),
    maxCategories: z
      .number()
      .int()
      .positive()
      .default(10_000)
      .describe('Categorical columns with more distinct values are skipped (likely identifiers).'),
  })
  .strict();

export type DriftOptions = z.infer<typeof driftOptions>;
