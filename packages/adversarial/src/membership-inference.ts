import { ConfigError, type ModelTarget } from '@mlwarden/core';
import { featureBounds } from './_bounds.js';
import {
  type AttackStop,
  type LabelledRows,
  queryUsage,
  stopOf,
  widthOfTarget,
} from './_evasion-common.js';
import { createRandom } from './_random.js';
import { type RocIntervals, type RocSummary, rocIntervals, rocSummary } from './roc.js';
import type { TabularConstraints } from './tabular-constraints.js';

/**
 * `loss`: members have lower loss on their true label (Yeom et al., 2018). `confidence`: members
 * get higher top-class confidence (scored as log-odds, so confident rows do not tie). `label-only`: members keep their label under more random noise
 * (Choquette-Choo et al., 2021); needs only predicted labels.
 */
export type MembershipAttack = 'loss' | 'confidence' | 'label-only';
export const MEMBERSHIP_ATTACKS: readonly MembershipAttack[] = ['loss', 'confidence', 'label-only'];

export interface MembershipOptions {
  /** Default: `loss` and `confidence` when the target returns scores, else `label-only`. */
  attacks?: readonly MembershipAttack[];
  /** Bootstrap rounds for the confidence intervals. Default 200. */
  bootstrap?: number;
  /** Confidence level of the intervals. Default 0.95. */
  level?: number;
  /** Noisy copies per row for `label-only`. Default 20. */
  noiseSamples?: number;
  /** Noise standard deviation for `label-only`, as a share of each feature's range. Default 0.05. */
  noiseScale?: number;
  /** Bounds for noisy copies (default: the data's range). */
  constraints?: TabularConstraints;
  /** Rows per model call. Default 256. */
  batchSize?: number;
  seed?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, label: string) => void;
}

export interface MembershipAttackResult extends RocSummary {
  attack: MembershipAttack;
  intervals: RocIntervals;
}

export interface MembershipResult {
  /** Training rows (members) and held-out rows (non-members) scored. */
  members: number;
  nonMembers: number;
  attacks: MembershipAttackResult[];
  /** The attack with the highest AUC. */
  best?: MembershipAttack;
  level: number;
  bootstrap: number;
  seed: number;
  queries: { used: number; budget?: number };
  complete: boolean;
  stopped?: AttackStop;
}

interface Scores {
  loss?: Float64Array;
  confidence?: Float64Array;
  'label-only'?: Float64Array;
  scored: number;
}

/**
 * Membership inference: how well an attacker with query access tells training rows from held-out
 * rows. Each attack turns the model's answer for a row into a score; the result is the ROC AUC and
 * the true-positive rate at 1% and 0.1% false positives, with bootstrap confidence intervals.
 */
export async function membershipInference(
  target: ModelTarget,
  members: LabelledRows,
  nonMembers: LabelledRows,
  options: MembershipOptions = {},
): Promise<MembershipResult> {
  const width = widthOfTarget(target);
  const seed = options.seed ?? 0;
  const bootstrap = options.bootstrap ?? 200;
  const level = options.level ?? 0.95;
  const batchSize = options.batchSize ?? 256;
  const noiseSamples = options.noiseSamples ?? 20;
  const noiseScale = options.noiseScale ?? 0.05;
  if (!(bootstrap >= 1 && level > 0 && level < 1 && noiseSamples >= 1 && noiseScale > 0)) {
    throw new ConfigError(
      'membership inference needs bootstrap >= 1, 0 < level < 1, noiseSamples >= 1, noiseScale > 0',
    );
  }
  const usage = queryUsage(target);
  const signal = options.signal;
  const both = new Float32Array(members.x.length + nonMembers.x.length);
  both.set(members.x);
  both.set(nonMembers.x, members.x.length);
  const { lo, hi } = featureBounds(options.constraints, both, width);
  let requested = options.attacks;
  let stopped: AttackStop | undefined;
  const total = members.n + nonMembers.n;
  let done = 0;

  const score = async (rows: LabelledRows, groupSeed: number): Promise<Scores> => {
    const out: Scores = { scored: 0 };
    const random = createRandom(groupSeed);
    try {
      for (let from = 0; from < rows.n; from += batchSize) {
        signal?.throwIfAborted();
        const to = Math.min(rows.n, from + batchSize);
        const m = to - from;
        const x = rows.x.subarray(from * width, to * width);
        const { labels, probabilities } = await target.predict(
          x,
          m,
          signal ? { signal } : undefined,
        );
        requested ??= probabilities ? ['loss', 'confidence'] : ['label-only'];
        if (!probabilities && requested.some((a) => a !== 'label-only')) {
          throw new ConfigError(
            `${target.source} returns only labels; the loss and confidence attacks need scores`,
            { hint: 'use attacks: ["label-only"]' },
          );
        }
        const k = probabilities ? probabilities.length / m : 0;
        for (const attack of requested) out[attack] ??= new Float64Array(rows.n);
        for (let r = 0; r < m; r++) {
          const yr = rows.y[from + r] as number;
          if (probabilities) {
            // Scores from the small probabilities, which float32 keeps when the large one rounds
            // to 1: −loss = log p_y = log(1 − Σ other p), and the top class's log-odds.
            let top = 0;
            let others = 0;
            for (let c = 0; c < k; c++) {
              const v = probabilities[r * k + c] as number;
              if (v > (probabilities[r * k + top] as number)) top = c;
              if (c !== yr) others += v;
            }
            let rest = 0;
            for (let c = 0; c < k; c++) if (c !== top) rest += probabilities[r * k + c] as number;
            const py = probabilities[r * k + yr] as number;
            if (out.loss) {
              out.loss[from + r] =
                others < 0.5 ? Math.log1p(-others) : Math.log(Math.max(py, 1e-45));
            }
            if (out.confidence) {
              const pTop = probabilities[r * k + top] as number;
              out.confidence[from + r] =
                Math.log(Math.max(pTop, 1e-45)) - Math.log(Math.max(rest, 1e-45));
            }
          }
        }
        if (out['label-only']) {
          // Share of the row and its noisy copies that keep the true label.
          const noisy = new Float32Array(m * noiseSamples * width);
          for (let r = 0; r < m; r++) {
            for (let s = 0; s < noiseSamples; s++) {
              const base = (r * noiseSamples + s) * width;
              for (let j = 0; j < width; j++) {
                const range = (hi[j] as number) - (lo[j] as number);
                const v = (x[r * width + j] as number) + random.normal() * noiseScale * range;
                noisy[base + j] = Math.min(hi[j] as number, Math.max(lo[j] as number, v));
              }
            }
          }
          const noisyLabels = (
            await target.predict(noisy, m * noiseSamples, signal ? { signal } : undefined)
          ).labels;
          for (let r = 0; r < m; r++) {
            const yr = rows.y[from + r] as number;
            let kept = labels[r] === yr ? 1 : 0;
            for (let s = 0; s < noiseSamples; s++)
              if (noisyLabels[r * noiseSamples + s] === yr) kept++;
            out['label-only'][from + r] = kept / (noiseSamples + 1);
          }
        }
        out.scored = to;
        done += m;
        options.onProgress?.(done, total, 'membership inference');
      }
    } catch (error) {
      if (ConfigError.isInstance(error)) throw error;
      stopped ??= stopOf(error, signal);
    }
    return out;
  };

  const memberScores = await score(members, seed * 2 + 1);
  const nonMemberScores = stopped ? { scored: 0 } : await score(nonMembers, seed * 2 + 2);
  const attacks: MembershipAttackResult[] = [];
  for (const attack of requested ?? []) {
    const p = memberScores[attack]?.subarray(0, memberScores.scored);
    const q = (nonMemberScores as Scores)[attack]?.subarray(0, nonMemberScores.scored);
    if (!p || !q || p.length === 0 || q.length === 0) continue;
    attacks.push({
      attack,
      ...rocSummary(p, q),
      intervals: rocIntervals(p, q, { rounds: bootstrap, level, seed: seed + 7 }),
    });
  }
  const best = attacks.reduce<MembershipAttackResult | undefined>(
    (a, b) => (a === undefined || b.auc > a.auc ? b : a),
    undefined,
  );
  return {
    members: memberScores.scored,
    nonMembers: nonMemberScores.scored,
    attacks,
    ...(best !== undefined && { best: best.attack }),
    level,
    bootstrap,
    seed,
    queries: usage(),
    complete: stopped === undefined,
    ...(stopped !== undefined && { stopped }),
  };
}
