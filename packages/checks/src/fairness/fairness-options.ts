import { z } from 'zod';

const threshold = (what: string, fallback: number | null) =>
  z
    .number()
    .nonnegative()
    .nullable()
    .default(fallback)
    .describe(`${what}; null turns the rule off.`);

/**
 * Options of `fairness.group`. Every field has a default so that `{}` validates; without
 * `sensitive` and a prediction or score column the check skips.
 */
export const fairnessOptions = z
  .object({
    sensitive: z
      .array(z.string().min(1))
      .default([])
      .describe(
        'Sensitive feature columns (categorical). With several, their intersection is measured too.',
      ),
    label: z
      .string()
      .min(1)
      .optional()
      .describe('Column of true outcomes. Without it only selection rates are compared.'),
    prediction: z.string().min(1).optional().describe('Column of predicted outcomes.'),
    score: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Column of scores, used when there is no prediction column: `score >= threshold` is positive.',
      ),
    threshold: z.number().default(0.5).describe('Decision threshold for `score`.'),
    positiveLabel: z
      .union([z.string(), z.number(), z.boolean()])
      .default(1)
      .describe(
        'The favourable outcome; every other value of the label and prediction is negative.',
      ),
    minGroupSize: z
      .number()
      .int()
      .positive()
      .default(30)
      .describe('Groups with fewer rows are reported but not judged.'),
    maxGroups: z
      .number()
      .int()
      .min(2)
      .max(65_535)
      .default(1000)
      .describe('A sensitive column with more distinct values is an error (likely an identifier).'),
    demographicParityDifference: threshold(
      'Finding when the selection rates of judged groups differ by more than this',
      0.1,
    ),
    disparateImpact: threshold(
      "Four-fifths rule: finding for a judged group whose selection rate is below this share of the highest group's",
      0.8,
    ),
    equalizedOddsDifference: threshold(
      'Finding when the true or false positive rates of judged groups differ by more than this',
      0.1,
    ),
    equalOpportunityDifference: threshold(
      'Finding when the true positive rates of judged groups differ by more than this (off by default: equalized odds covers it)',
      null,
    ),
    bootstrap: z
      .number()
      .int()
      .min(0)
      .max(100_000)
      .default(500)
      .describe('Bootstrap resamples for confidence intervals (seeded); 0 turns them off.'),
    confidenceLevel: z.number().gt(0).lt(1).default(0.95).describe('Level of the intervals.'),
    maxRows: z
      .number()
      .int()
      .positive()
      .default(1_000_000_000)
      .describe('Rows read at most; beyond it the result is incomplete.'),
  })
  .strict();

export type FairnessOptions = z.infer<typeof fairnessOptions>;
