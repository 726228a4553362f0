import { z } from 'zod';

/** Options of `poisoning.backdoor`. Without `label` the check skips. */
export const backdoorOptions = z
  .object({
    label: z.string().min(1).optional().describe('Column of class labels.'),
    columns: z
      .array(z.string().min(1))
      .optional()
      .describe(
        'Columns searched for trigger values. Default: every column but the label, embeddings and excluded ones.',
      ),
    exclude: z
      .array(z.string())
      .default([])
      .describe('Columns never searched (identifiers, timestamps).'),
    minSupport: z.number().int().min(2).default(10).describe('Fewest rows a trigger must cover.'),
    maxShare: z
      .number()
      .gt(0)
      .max(0.5)
      .default(0.05)
      .describe('Largest share of rows a trigger may cover.'),
    minPurity: z
      .number()
      .gt(0)
      .max(1)
      .default(0.9)
      .describe("Smallest share of a trigger's rows that carry its label."),
    minOddsRatio: z
      .number()
      .min(1)
      .default(10)
      .describe("Smallest odds ratio of the trigger's label between its rows and the other rows."),
    alpha: z
      .number()
      .gt(0)
      .lt(1)
      .default(0.001)
      .describe('Family-wise significance level (Bonferroni over every value and pair tested).'),
    maxAgreement: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe(
        "Keep a candidate only when a model of the other numeric features gives its rows' label at most this probability on average (planted triggers relabel rows that look like another class); 1 keeps all.",
      ),
    pairs: z.boolean().default(true).describe('Also search pairs of values.'),
    maxPairWork: z
      .number()
      .int()
      .positive()
      .default(50_000_000)
      .describe('Pair search is skipped when it would need more pair updates than this.'),
    maxFindings: z.number().int().min(1).default(20).describe('Trigger findings reported at most.'),
    embeddings: z
      .array(z.string().min(1))
      .default([])
      .describe(
        'Numeric columns holding embeddings or layer activations; when given, spectral signatures are computed per class.',
      ),
    maxClusterShare: z
      .number()
      .gt(0)
      .lt(0.5)
      .default(0.35)
      .describe('Spectral: largest share of a class the separated cluster may hold.'),
    minSeparation: z
      .number()
      .positive()
      .default(2)
      .describe("Spectral: smallest Ashman's D between the clusters."),
    maxRows: z
      .number()
      .int()
      .positive()
      .default(1_000_000)
      .describe('Rows read at most; beyond it the result is incomplete.'),
  })
  .strict();

export type BackdoorOptions = z.infer<typeof backdoorOptions>;
