import { defineCheck, type Json } from '@mlwarden/core';
import { z } from 'zod';
import {
  attackRunSettings,
  commonAttackOptions,
  limitedModel,
  readRows,
  round,
} from './_check-options.js';
import { EVASION_ATTACKS, type EvasionAttack, runEvasion } from './run-evasion.js';

export const robustnessEvasionOptions = z.object({
  ...commonAttackOptions,
  attack: z
    .enum(['auto', ...EVASION_ATTACKS] as [string, ...string[]])
    .default('auto')
    .describe(
      'fgsm, pgd (white-box), hsj (labels only), square (scores); auto: pgd when the model gives gradients, else hsj.',
    ),
  epsilons: z
    .array(z.number().nonnegative())
    .min(1)
    .default([0.01, 0.03, 0.05, 0.1])
    .describe('Perturbation sizes of the robustness curve, in feature units.'),
  epsilon: z
    .number()
    .nonnegative()
    .default(0.05)
    .describe('Perturbation size the threshold applies to (added to the curve if missing).'),
  minRobustAccuracy: z
    .number()
    .min(0)
    .max(1)
    .default(0.5)
    .describe('Fail when robust accuracy at `epsilon` is below this.'),
  norm: z
    .enum(['inf', '2'])
    .optional()
    .describe('Perturbation norm, inf or 2, for every attack. Default inf (hsj: 2).'),
  iterations: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('PGD steps (20), HopSkipJump iterations (40) or square iterations (1000).'),
  randomStart: z.boolean().default(false).describe('PGD: start at a random point of the ball.'),
  maxQueriesPerRow: z
    .number()
    .int()
    .positive()
    .default(2000)
    .describe('Black-box attacks: most queries spent on one row.'),
  maxRows: z
    .number()
    .int()
    .positive()
    .default(500)
    .describe('Rows of the dataset attacked at most.'),
});

export type RobustnessEvasionOptions = z.infer<typeof robustnessEvasionOptions>;

/** `robustness.evasion`: robust accuracy under an evasion attack, gated by a threshold. */
export const robustnessEvasionCheck = defineCheck({
  meta: {
    id: 'robustness.evasion',
    title: 'Evasion robustness',
    description:
      'Attacks the model with small input perturbations (FGSM, PGD, HopSkipJump or the square attack) and fails when accuracy under attack at the configured epsilon is below a threshold.',
    category: 'robustness',
    defaultSeverity: 'high',
    taxonomy: { atlas: ['AML.T0015', 'AML.T0043'], owasp: ['ML01'] },
    requires: ['model', 'dataset'],
    options: robustnessEvasionOptions,
    rules: {
      'low-robust-accuracy': {
        title: 'Robust accuracy below threshold',
        description: 'Accuracy under attack at the configured epsilon is below the threshold.',
        remediation:
          'Harden the model (adversarial training, input preprocessing), validate inputs and limit queries to the endpoint.',
      },
    },
    docs: 'docs/checks/robustness.evasion.md',
  },
  async run(ctx) {
    const options = ctx.options;
    const model = limitedModel(ctx.inputs.model as NonNullable<typeof ctx.inputs.model>, options);
    const rows = await readRows(
      ctx.inputs.dataset as NonNullable<typeof ctx.inputs.dataset>,
      options,
      ctx,
      options.maxRows,
    );
    const attack: EvasionAttack =
      options.attack === 'auto'
        ? model.gradient
          ? 'pgd'
          : 'hsj'
        : (options.attack as EvasionAttack);
    const epsilons = [...new Set([...options.epsilons, options.epsilon])];
    const result = await runEvasion(model, rows, {
      attack,
      epsilons,
      ...(options.norm !== undefined && { norm: options.norm === '2' ? 2 : 'inf' }),
      ...(options.iterations !== undefined && { iterations: options.iterations }),
      randomStart: options.randomStart,
      maxQueriesPerRow: options.maxQueriesPerRow,
      ...attackRunSettings(ctx, options, rows.features),
    });
    const curve = result.curve.map((p) => ({
      epsilon: p.epsilon,
      robustAccuracy: round(p.robustAccuracy),
      successRate: round(p.successRate),
      meanPerturbation: round(p.meanPerturbation, 6),
      queries: p.queries,
      samples: p.samples,
    }));
    ctx.metric('attack', attack);
    ctx.metric('norm', result.norm === 'inf' ? 'inf' : '2');
    ctx.metric('samples', result.samples);
    ctx.metric('cleanAccuracy', result.cleanAccuracy === null ? null : round(result.cleanAccuracy));
    ctx.metric('curve', curve as unknown as Json);
    ctx.metric('queries', result.queries.used);
    if (result.queries.budget !== undefined) ctx.metric('queryBudget', result.queries.budget);
    // The target's own count: HTTP requests for an endpoint (it batches rows), so it can be
    // compared with the server's request counter.
    ctx.metric('targetQueries', ctx.inputs.model.queries.used);
    if (model.inner.kind !== 'classifier')
      ctx.log.warn('the target does not declare itself a classifier');
    const at = result.curve.find((p) => p.epsilon === options.epsilon);
    if (at !== undefined && at.robustAccuracy < options.minRobustAccuracy) {
      const normName = result.norm === 'inf' ? 'L∞' : 'L2';
      ctx.report({
        rule: 'low-robust-accuracy',
        message: `accuracy under ${attack} attack (${normName}, epsilon ${options.epsilon}) is ${round(at.robustAccuracy, 3)}, below ${options.minRobustAccuracy}; the attack fooled ${round(at.successRate * 100, 1)}% of correctly classified rows`,
        location: { uri: model.source },
        evidence: {
          attack,
          norm: result.norm === 'inf' ? 'inf' : '2',
          epsilon: options.epsilon,
          cleanAccuracy: result.cleanAccuracy,
          robustAccuracy: round(at.robustAccuracy),
          successRate: round(at.successRate),
          threshold: options.minRobustAccuracy,
          samples: at.samples,
          queries: result.queries.used,
        },
        taxonomy: { atlas: [model.gradient ? 'AML.T0043.000' : 'AML.T0043.001'] },
        key: `${attack}:${result.norm}:${options.epsilon}`,
      });
    }
    if (!result.complete) {
      ctx.incomplete(
        `${result.stopped?.message ?? 'the attack stopped early'}; the curve covers ${at?.samples ?? 0} of ${result.samples} rows`,
      );
    }
  },
});
