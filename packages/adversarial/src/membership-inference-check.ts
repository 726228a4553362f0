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
  MEMBERSHIP_ATTACKS,
  type MembershipAttack,
  membershipInference,
} from './membership-inference.js';

export const membershipInferenceOptions = z.object({
  ...commonAttackOptions,
  attacks: z
    .array(z.enum(MEMBERSHIP_ATTACKS as unknown as [string, ...string[]]))
    .min(1)
    .optional()
    .describe(
      'loss, confidence, label-only. Default: loss and confidence when the model returns scores, else label-only.',
    ),
  maxAuc: z
    .number()
    .min(0.5)
    .max(1)
    .default(0.6)
    .describe(
      'Fail when the best attack separates members from non-members with an AUC above this.',
    ),
  maxRows: z
    .number()
    .int()
    .positive()
    .default(2000)
    .describe('Rows read from each dataset at most.'),
  bootstrap: z
    .number()
    .int()
    .positive()
    .default(200)
    .describe('Bootstrap rounds of the 95% intervals.'),
  noiseSamples: z
    .number()
    .int()
    .positive()
    .default(20)
    .describe('label-only: noisy copies per row.'),
  noiseScale: z
    .number()
    .positive()
    .default(0.05)
    .describe("label-only: noise standard deviation as a share of each feature's range."),
});

export type MembershipInferenceOptions = z.infer<typeof membershipInferenceOptions>;

/** `privacy.membership-inference`: can an attacker tell training rows from held-out rows? */
export const membershipInferenceCheck = defineCheck({
  meta: {
    id: 'privacy.membership-inference',
    title: 'Membership inference',
    description:
      'Scores training rows (dataset) and held-out rows (reference) with loss, confidence or label-only attacks and fails when they are separable: ROC AUC above the threshold.',
    category: 'privacy',
    defaultSeverity: 'high',
    taxonomy: { atlas: ['AML.T0024.000'], owasp: ['ML04'] },
    requires: ['model', 'dataset', 'reference'],
    options: membershipInferenceOptions,
    rules: {
      'membership-leak': {
        title: 'Training-set membership is inferable',
        description:
          'An attacker with query access tells training rows from unseen rows better than the threshold allows.',
        remediation:
          'Regularise the model or train it with differential privacy, return labels or rounded scores instead of full probabilities, and limit queries.',
      },
    },
    docs: 'docs/checks/privacy.membership-inference.md',
  },
  async run(ctx) {
    const options = ctx.options;
    const model = limitedModel(ctx.inputs.model, options);
    const members = await readRows(ctx.inputs.dataset, options, ctx, options.maxRows);
    const nonMembers = await readRows(ctx.inputs.reference, options, ctx, options.maxRows);
    const result = await membershipInference(model, members, nonMembers, {
      ...(options.attacks !== undefined && { attacks: options.attacks as MembershipAttack[] }),
      bootstrap: options.bootstrap,
      noiseSamples: options.noiseSamples,
      noiseScale: options.noiseScale,
      ...attackRunSettings(ctx, options, members.features),
    });
    ctx.metric('members', result.members);
    ctx.metric('nonMembers', result.nonMembers);
    ctx.metric(
      'attacks',
      result.attacks.map((a) => ({
        attack: a.attack,
        auc: round(a.auc),
        aucInterval: a.intervals.auc.map((v) => round(v)),
        tprAt1PctFpr: round(a.tprAt1PctFpr),
        tprAt1PctFprInterval: a.intervals.tprAt1PctFpr.map((v) => round(v)),
        tprAt01PctFpr: round(a.tprAt01PctFpr),
        tprAt01PctFprInterval: a.intervals.tprAt01PctFpr.map((v) => round(v)),
        advantage: round(a.advantage),
      })) as unknown as Json,
    );
    ctx.metric('queries', result.queries.used);
    const best = result.attacks.find((a) => a.attack === result.best);
    if (best !== undefined) ctx.metric('auc', round(best.auc));
    if (best !== undefined && best.auc > options.maxAuc) {
      const [lo, hi] = best.intervals.auc;
      ctx.report({
        rule: 'membership-leak',
        message: `the ${best.attack} attack tells training rows from held-out rows with AUC ${round(best.auc, 3)} (95% CI ${round(lo, 3)}–${round(hi, 3)}), above ${options.maxAuc}; TPR at 1% FPR is ${round(best.tprAt1PctFpr, 3)}`,
        location: { uri: model.source },
        evidence: {
          attack: best.attack,
          auc: round(best.auc),
          aucInterval: [round(lo), round(hi)],
          tprAt1PctFpr: round(best.tprAt1PctFpr),
          tprAt01PctFpr: round(best.tprAt01PctFpr),
          threshold: options.maxAuc,
          members: result.members,
          nonMembers: result.nonMembers,
        },
        key: best.attack,
      });
    }
    if (!result.complete) {
      ctx.incomplete(
        `${result.stopped?.message ?? 'stopped early'}; scored ${result.members} members and ${result.nonMembers} non-members`,
      );
    }
  },
});
