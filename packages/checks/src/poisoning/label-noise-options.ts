import { z } from 'zod';

/** Options of `poisoning.label-noise`. Without `label` the check skips. */
export const labelNoiseOptions = z
  .object({
    label: z.string().min(1).optional().describe('Column of class labels.'),
    features: z
      .array(z.string().min(1))
      .optional()
      .describe('Feature columns. Default: every numeric or boolean column but the label.'),
    exclude: z
      .array(z.string())
      .default([])
      .describe('Columns never used as features (identifiers, timestamps, leaky columns).'),
    maxNoiseRate: z
      .number()
      .min(0)
      .max(1)
      .default(0.05)
      .describe(
        'Finding (high) when the estimated share of wrong labels, overall or in a class, exceeds this.',
      ),
    folds: z.number().int().min(2).max(20).default(5).describe('Folds of the out-of-fold model.'),
    C: z
      .number()
      .positive()
      .default(1)
      .describe('Inverse L2 strength of the logistic regression (as scikit-learn).'),
    maxIterations: z.number().int().positive().default(100).describe('L-BFGS iterations per fold.'),
    neighbours: z
      .number()
      .int()
      .min(0)
      .max(100)
      .default(10)
      .describe('Neighbours in the neighbourhood vote; 0 uses the model alone.'),
    knnReference: z
      .number()
      .int()
      .positive()
      .default(2000)
      .describe('Rows (a seeded sample) that neighbours are searched among.'),
    modelWeight: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe('Weight of the model in the blend with the neighbourhood vote.'),
    nearDuplicateTolerance: z
      .number()
      .min(0)
      .default(0.01)
      .describe(
        'Near-duplicate grid side in standard deviations of each feature; 0 turns near duplicates off.',
      ),
    maxClasses: z.number().int().min(2).default(1000).describe('More label values is an error.'),
    maxReportedRows: z
      .number()
      .int()
      .min(0)
      .default(1000)
      .describe('Suspicious rows listed in the metrics at most (highest scores first).'),
    maxRows: z
      .number()
      .int()
      .positive()
      .default(2_000_000)
      .describe('Rows read at most; beyond it the result is incomplete.'),
  })
  .strict();

export type LabelNoiseOptions = z.infer<typeof labelNoiseOptions>;
