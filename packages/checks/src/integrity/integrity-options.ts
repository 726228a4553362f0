import { type DataContract, validateDataContract } from '@mlwarden/core';
import { z } from 'zod';

/** A contract in object form, validated (and defaulted) by core's contract schema. */
const contract = z.unknown().transform((value, ctx): DataContract => {
  try {
    return validateDataContract(value, 'contract');
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: e instanceof Error ? e.message : String(e) });
    return z.NEVER;
  }
});

/** Options of `data.integrity`. Every rule can be switched off by its own option. */
export const integrityOptions = z
  .object({
    contract: contract
      .optional()
      .describe(
        'Data contract (the object form of a YAML/JSON contract). Without one, a contract is inferred from the reference when there is one.',
      ),
    inferContract: z
      .boolean()
      .default(true)
      .describe('Infer a contract from the reference (types, nullability, uniqueness, columns).'),
    columns: z.array(z.string()).optional().describe('Columns to check. Default: all.'),
    exclude: z.array(z.string()).default([]).describe('Columns never checked.'),
    maxMissingShare: z
      .number()
      .min(0)
      .max(1)
      .default(0.3)
      .describe('A column whose share of missing values (null, NaN) exceeds this is reported.'),
    missingShareIncrease: z
      .number()
      .min(0)
      .max(1)
      .default(0.1)
      .describe('Reported when the missing share grew by more than this against the reference.'),
    constantColumns: z.boolean().default(true).describe('Report columns with a single value.'),
    maxDuplicateShare: z
      .number()
      .min(0)
      .max(1)
      .default(0.01)
      .describe('Duplicate rows are reported when their share exceeds this (0 reports any).'),
    categories: z
      .boolean()
      .default(true)
      .describe(
        'Report categories that are new in, or vanished from, the dataset against the reference.',
      ),
    maxCategories: z
      .number()
      .int()
      .positive()
      .default(1000)
      .describe('Columns with more distinct values are not treated as categorical.'),
    mixedTypesMinShare: z
      .number()
      .gt(0)
      .max(0.5)
      .default(0.01)
      .describe(
        'A text column is mixed when two kinds of value (number, boolean, text) each reach this share.',
      ),
    contamination: z
      .boolean()
      .default(true)
      .describe(
        'Report rows of the dataset that also occur in the reference (train/test overlap).',
      ),
    maxOverlapShare: z
      .number()
      .min(0)
      .max(1)
      .default(0)
      .describe('Overlap is reported when its share of the dataset exceeds this.'),
    label: z.string().optional().describe('Label column, for leakage and class balance.'),
    leakageThreshold: z
      .number()
      .gt(0)
      .max(1)
      .default(0.9)
      .describe(
        'A feature leaks when it alone predicts the label this well out of sample: (accuracy − majority share) / (1 − majority share), 0 = no better than the majority class, 1 = perfect.',
      ),
    maxClassRatio: z
      .number()
      .min(1)
      .default(10)
      .describe(
        'Class imbalance when the largest class outnumbers the smallest by more than this.',
      ),
    samples: z
      .number()
      .int()
      .min(0)
      .max(20)
      .default(5)
      .describe('Row indices and values shown per finding.'),
    maxRows: z
      .number()
      .int()
      .positive()
      .default(20_000_000)
      .describe('Rows read from each dataset at most; beyond it the result is incomplete.'),
  })
  .strict();

export type IntegrityOptions = z.infer<typeof integrityOptions>;
