import { z } from 'zod';

/** Options of `poisoning.outliers`; `{}` is valid. */
export const outliersOptions = z
  .object({
    features: z
      .array(z.string().min(1))
      .optional()
      .describe('Feature columns. Default: every numeric or boolean column not excluded.'),
    exclude: z
      .array(z.string())
      .default([])
      .describe('Columns never used (labels, identifiers, timestamps).'),
    method: z
      .enum(['auto', 'knn', 'isolation-forest', 'mahalanobis'])
      .default('auto')
      .describe(
        '`mahalanobis`: robust (MCD) Mahalanobis distance; `knn`: mean distance to the nearest baseline rows; `isolation-forest`: Liu et al.; `auto`: mahalanobis unless over a tenth of the features have a zero MAD (discrete or zero-inflated data), then knn.',
      ),
    madMultiplier: z
      .number()
      .positive()
      .default(4)
      .describe(
        'A row is an outlier when its score exceeds the baseline median by this many scaled MADs.',
      ),
    threshold: z.number().optional().describe('A fixed score threshold instead of the MAD rule.'),
    neighbours: z.number().int().min(1).max(100).default(10).describe('knn: neighbours per row.'),
    knnReference: z
      .number()
      .int()
      .positive()
      .default(2000)
      .describe('knn: baseline rows (a seeded sample) that neighbours are searched among.'),
    trees: z.number().int().min(1).max(1000).default(200).describe('isolation-forest: trees.'),
    sampleSize: z.number().int().min(2).default(256).describe('isolation-forest: rows per tree.'),
    maxOutlierRate: z
      .number()
      .min(0)
      .max(1)
      .default(0.01)
      .describe('Outliers are a medium finding above this share of rows, an info finding below.'),
    rateRatio: z
      .number()
      .min(1)
      .default(2)
      .describe('An outlier-rate jump needs at least this ratio to the baseline rate…'),
    pValue: z
      .number()
      .gt(0)
      .lt(1)
      .default(0.001)
      .describe('…and a one-sided p-value below this (Bonferroni over windows).'),
    windowRows: z
      .number()
      .int()
      .min(0)
      .default(10_000)
      .describe('Rows per window when looking for a jump inside the dataset; 0 turns it off.'),
    maxReportedRows: z
      .number()
      .int()
      .min(0)
      .default(1000)
      .describe('Outlier rows listed in the metrics at most.'),
    maxRows: z
      .number()
      .int()
      .positive()
      .default(2_000_000)
      .describe('Rows read from each dataset at most; beyond it the result is incomplete.'),
  })
  .strict();

export type OutliersOptions = z.infer<typeof outliersOptions>;
