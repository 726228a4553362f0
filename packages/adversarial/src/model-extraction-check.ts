import { defineCheck, type Json } from '@mlwarden/core';
import { z } from 'zod';
import {
  attackRunSettings,
  commonAttackOptions,
  limitedModel,
  readRows,
  round,
} from './_check-options.js';
import {
  EXTRACTION_STRATEGIES,
  type ExtractionStrategy,
  modelExtraction,
} from './model-extraction.js';

export const modelExtractionOptions = z.object({
  ...commonAttackOptions,
  label: z
    .string()
    .optional()
    .describe(
      'A label column of the dataset to leave out of the features (extraction needs no labels).',
    ),
  strategies: z
    .array(z.enum(EXTRACTION_STRATEGIES as unknown as [string, ...string[]]))
    .min(1)
    .default(['in-distribution'])
    .describe('Query strategies to try: random, in-distribution, adversarial.'),
  budgets: z
    .array(z.number().int().positive())
    .min(1)
    .default([100, 250, 500, 1000])
    .describe('Attacker query counts at which fidelity is measured.'),
  minFidelity: z
    .number()
    .min(0)
    .max(1)
    .default(0.9)
    .describe('Fail when a surrogate reaches at least this fidelity …'),
  maxQueries: z
    .number()
    .int()
    .positive()
    .default(1000)
    .describe('… within this many attacker queries.'),
  evaluationRows: z
    .number()
    .int()
    .positive()
    .default(500)
    .describe(
      'Held-out rows fidelity is measured on (from the reference, else the end of the dataset).',
    ),
  maxRows: z
    .number()
    .int()
    .positive()
    .default(20_000)
    .describe('Rows read from the dataset at most.'),
  hiddenUnits: z
    .array(z.number().int().positive())
    .default([64])
    .describe('Surrogate MLP hidden layers.'),
  epochs: z.number().int().positive().default(60).describe('Surrogate training epochs.'),
});

export type ModelExtractionOptions = z.infer<typeof modelExtractionOptions>;

/** `privacy.model-extraction`: can an attacker copy the model within a query budget? */
export const modelExtractionCheck = defineCheck({
  meta: {
    id: 'privacy.model-extraction',
    title: 'Model extraction',
    description:
      'Queries the model as an attacker would, trains a surrogate on its answers and fails when the surrogate agrees with the model on held-out rows at or above the fidelity threshold within the query limit.',
    category: 'privacy',
    defaultSeverity: 'medium',
    taxonomy: { atlas: ['AML.T0024.002', 'AML.T0005'], owasp: ['ML05'] },
    requires: ['model', 'dataset'],
    options: modelExtractionOptions,
    rules: {
      'model-extractable': {
        title: 'Model can be copied cheaply',
        description: 'A surrogate trained on few queries reproduces the model’s decisions.',
        remediation:
          'Rate-limit and monitor queries per client, return labels instead of scores, and watch for query patterns typical of extraction.',
      },
    },
    docs: 'docs/checks/privacy.model-extraction.md',
  },
  async run(ctx) {
    const options = ctx.options;
    // Extraction needs no labels: `label` only names a column to leave out of the features.
    const common = { ...options, label: options.label ?? '' };
    const model = limitedModel(ctx.inputs.model, common);
    const data = await readRows(ctx.inputs.dataset, common, ctx, options.maxRows, false);
    const width = data.features.length;
    let pool = data.x;
    let evaluation: Float32Array;
    if (ctx.inputs.reference !== undefined) {
      const held = await readRows(
        ctx.inputs.reference,
        { ...common, features: data.features },
        ctx,
        options.evaluationRows,
        false,
      );
      evaluation = held.x;
    } else {
      // Hold out the end of the dataset; the attacker draws from the rest.
      const holdout = Math.min(options.evaluationRows, Math.floor(data.n / 3));
      evaluation = data.x.slice((data.n - holdout) * width);
      pool = data.x.slice(0, (data.n - holdout) * width);
    }
    const settings = attackRunSettings(ctx, common, data.features);
    const budgets = [...new Set([...options.budgets, options.maxQueries])].sort((a, b) => a - b);
    const curves: Record<string, Json> = {};
    let worst: { strategy: string; queries: number; fidelity: number } | undefined;
    for (const strategy of options.strategies as ExtractionStrategy[]) {
      const result = await modelExtraction(model, {
        strategy,
        budgets,
        pool,
        evaluation,
        surrogate: { hiddenUnits: options.hiddenUnits, epochs: options.epochs },
        ...settings,
      });
      curves[strategy] = result.curve.map((p) => ({
        queries: p.queries,
        fidelity: round(p.fidelity),
      }));
      for (const p of result.curve) {
        if (p.queries <= options.maxQueries && p.fidelity >= options.minFidelity) {
          if (worst === undefined || p.queries < worst.queries) worst = { strategy, ...p };
          break;
        }
      }
      if (!result.complete) {
        ctx.incomplete(`${strategy}: ${result.stopped?.message ?? 'stopped early'}`);
        break;
      }
    }
    ctx.metric('curves', curves);
    ctx.metric('queries', model.queries.used);
    ctx.metric('evaluationRows', evaluation.length / width);
    if (worst !== undefined) {
      ctx.report({
        rule: 'model-extractable',
        message: `a surrogate trained on ${worst.queries} ${worst.strategy} queries agrees with the model on ${round(worst.fidelity * 100, 1)}% of held-out rows (threshold ${round(options.minFidelity * 100, 1)}% within ${options.maxQueries} queries)`,
        location: { uri: model.source },
        evidence: {
          strategy: worst.strategy,
          queries: worst.queries,
          fidelity: round(worst.fidelity),
          minFidelity: options.minFidelity,
          maxQueries: options.maxQueries,
        },
        key: worst.strategy,
      });
    }
  },
});
