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
    model: z
      .object({
        path: z.string().min(1).describe('TensorFlow.js Layers `model.json` (weights beside it).'),
        layer: z.string().min(1).describe('Layer whose output gives the activations.'),
        features: z
          .array(z.string().min(1))
          .optional()
          .describe(
            "The model's input columns, in order. Default: every numeric column but the label and excluded ones.",
          ),
        batchSize: z.number().int().positive().default(256).describe('Rows per forward pass.'),
        maxWeightBytes: z
          .number()
          .int()
          .positive()
          .default(256 * 1024 * 1024)
          .describe('Largest total size of the weight shards read.'),
      })
      .strict()
      .optional()
      .describe(
        'Take the activations for spectral signatures and activation clustering from a layer of a TensorFlow.js model run on the feature columns (needs the optional package @tensorflow/tfjs). Not together with `embeddings`.',
      ),
    clustering: z
      .object({
        enabled: z
          .boolean()
          .default(true)
          .describe('Run activation clustering on the representations.'),
        dims: z.number().int().min(1).default(10).describe('PCA dimensions (ART: nb_dims).'),
        clusters: z
          .number()
          .int()
          .min(2)
          .max(20)
          .default(2)
          .describe('k of k-means (ART: nb_clusters).'),
        method: z
          .enum(['relative-size', 'silhouette', 'smaller'])
          .default('relative-size')
          .describe(
            "How a cluster is judged poisoned: its share below sizeThreshold; that and a mean silhouette above silhouetteThreshold; or always the smallest (ART's default analysis).",
          ),
        sizeThreshold: z
          .number()
          .gt(0)
          .lt(1)
          .default(0.35)
          .describe(
            'Largest share of its class (rounded to 0.01, as ART does) a poisoned cluster may hold.',
          ),
        silhouetteThreshold: z
          .number()
          .min(-1)
          .max(1)
          .default(0.1)
          .describe('Smallest mean silhouette for the `silhouette` method.'),
        minClusterRows: z
          .number()
          .int()
          .min(1)
          .default(5)
          .describe('Fewest rows in a flagged cluster.'),
        restarts: z.number().int().min(1).default(10).describe('Seeded k-means++ starts.'),
      })
      .strict()
      .prefault({})
      .describe('Activation clustering (Chen et al. 2018, ART ActivationDefence semantics).'),
    maxReportedRows: z
      .number()
      .int()
      .min(0)
      .default(1000)
      .describe('Suspicious rows of activation clustering listed in the metrics at most.'),
    maxRows: z
      .number()
      .int()
      .positive()
      .default(1_000_000)
      .describe('Rows read at most; beyond it the result is incomplete.'),
  })
  .strict();

export type BackdoorOptions = z.infer<typeof backdoorOptions>;
