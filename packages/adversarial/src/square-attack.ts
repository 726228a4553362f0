import { ConfigError, InputError, type ModelTarget } from '@mlwarden/core';
import { featureBounds } from './_bounds.js';
import {
  type AttackOutcome,
  type AttackRunOptions,
  emptyOutcome,
  isAttackInputError,
  type LabelledRows,
  queryCounter,
  recordChunk,
  stopOf,
  widthOfTarget,
} from './_evasion-common.js';
import { createProjector, type Norm } from './_projector.js';
import { createRandom } from './_random.js';
import { initialL2, proposeL2 } from './_square-l2.js';
import type { TabularConstraints } from './tabular-constraints.js';

export interface SquareAttackOptions extends AttackRunOptions {
  /** Radius of the ball, in `norm`. */
  epsilon: number;
  /** `inf` (default): squares set to ±epsilon. `2`: the L2 variant, perturbations of norm epsilon. */
  norm?: Norm;
  /** Iterations (one query per still-correct row each). Default 1000. */
  maxIterations?: number;
  /** Initial fraction of features (or pixels) changed per step; halves on a fixed schedule. Default 0.1. */
  pInit?: number;
  /** Rows attacked together; each step is one prediction call for all of them. Default 128. */
  batchSize?: number;
  seed?: number;
  constraints?: TabularConstraints;
}

/** Fraction of features changed at iteration `i` of `total` (the paper's schedule, rescaled). */
function fraction(pInit: number, i: number, total: number): number {
  const at = Math.floor((i / total) * 10_000);
  const cuts = [10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000];
  let p = pInit;
  for (const cut of cuts) if (at > cut) p /= 2;
  return p;
}

/** Image layout `[height, width, channels]` when the input is an image, else undefined. */
function imageShape(target: ModelTarget): [number, number, number] | undefined {
  const spec = target.inputSpec;
  if ('features' in spec) return undefined;
  const s = spec.shape;
  if (s.length === 3) return [s[0] as number, s[1] as number, s[2] as number];
  if (s.length === 2) return [s[0] as number, s[1] as number, 1];
  return undefined;
}

/**
 * Square attack (Andriushchenko et al., 2020), score-based random search that keeps a change when
 * the margin between the true class's score and the best other class shrinks. L∞ (default): sets
 * a random square of pixels (or a random subset of tabular features) to ±epsilon. L2: moves the
 * perturbation's mass between two random squares (feature subsets), filling one with a
 * centre-peaked pattern, at L2 norm epsilon (as ART's `SquareAttack(norm=2)`). Bounds and tabular
 * constraints hold for every row the model sees.
 */
export async function squareAttack(
  target: ModelTarget,
  rows: LabelledRows,
  options: SquareAttackOptions,
): Promise<AttackOutcome> {
  const { x, y, n } = rows;
  const width = widthOfTarget(target);
  const eps = options.epsilon;
  const maxIterations = options.maxIterations ?? 1000;
  const pInit = options.pInit ?? 0.1;
  const batchSize = options.batchSize ?? 128;
  const norm = options.norm ?? 'inf';
  if (!(eps >= 0 && maxIterations >= 0 && pInit > 0 && pInit <= 1)) {
    throw new ConfigError(
      'square attack needs epsilon >= 0, maxIterations >= 0 and 0 < pInit <= 1',
    );
  }
  if (norm !== 'inf' && norm !== 2) {
    throw new ConfigError(`square attack norm must be "inf" or 2, got ${String(norm)}`);
  }
  const { lo, hi } = featureBounds(options.constraints, x, width);
  const projector = createProjector(options.constraints ?? {}, width);
  const mutable: number[] = [];
  for (let j = 0; j < width; j++) if (projector.mask?.[j] !== 0) mutable.push(j);
  const image = imageShape(target);
  const signal = options.signal;
  const outcome = emptyOutcome(n, width, x);
  const spent = queryCounter(target);

  const margins = async (batch: Float32Array, labels: Int32Array, m: number) => {
    const out = await target.predict(batch, m, signal ? { signal } : undefined);
    if (out.probabilities === undefined) {
      throw new InputError(`${target.source} returns no scores; the square attack needs them`, {
        hint: 'use the decision-based attack hsj for label-only targets',
      });
    }
    const k = out.probabilities.length / m;
    const margin = new Float64Array(m);
    for (let r = 0; r < m; r++) {
      const yr = labels[r] as number;
      let other = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < k; c++)
        if (c !== yr) other = Math.max(other, out.probabilities[r * k + c] as number);
      margin[r] = (out.probabilities[r * k + yr] as number) - other;
    }
    return { margin, labels: out.labels };
  };
  const make = (
    x0: Float32Array,
    delta: Float32Array,
    r: number,
    into: Float32Array,
    slot: number,
  ) => {
    for (let j = 0; j < width; j++) {
      const v = (x0[r * width + j] as number) + (delta[r * width + j] as number);
      into[slot * width + j] = Math.min(hi[j] as number, Math.max(lo[j] as number, v));
    }
  };

  try {
    for (let from = 0; from < n; from += batchSize) {
      const to = Math.min(n, from + batchSize);
      const m = to - from;
      const random = createRandom((options.seed ?? 0) * 1_000_003 + from);
      const x0 = x.subarray(from * width, to * width);
      const labels = y.subarray(from, to);
      // Start (L∞): ±eps per feature, or per vertical stripe (column × channel) for images.
      // (L2): a grid of patterns or random signs, scaled to norm eps.
      const delta = new Float32Array(m * width);
      for (let r = 0; r < m; r++) {
        if (norm === 2) {
          initialL2(delta.subarray(r * width, (r + 1) * width), eps, image, mutable, random);
        } else if (image) {
          const [h, w, c] = image;
          for (let col = 0; col < w; col++) {
            for (let ch = 0; ch < c; ch++) {
              const s = random.next() < 0.5 ? -eps : eps;
              for (let row = 0; row < h; row++) delta[r * width + (row * w + col) * c + ch] = s;
            }
          }
        } else {
          for (const j of mutable) delta[r * width + j] = random.next() < 0.5 ? -eps : eps;
        }
      }
      const current = new Float32Array(m * width);
      for (let r = 0; r < m; r++) make(x0, delta, r, current, r);
      projector.finish(current, x0, m, eps, norm);
      // L2 proposals start from the perturbation the model actually saw (after clipping).
      if (norm === 2)
        for (let j = 0; j < m * width; j++) delta[j] = (current[j] as number) - (x0[j] as number);
      const start = await margins(current, labels, m);
      const best = start.margin;
      const bestLabels = Int32Array.from(start.labels);
      for (let i = 0; i < maxIterations; i++) {
        signal?.throwIfAborted();
        const active: number[] = [];
        for (let r = 0; r < m; r++) if ((best[r] as number) >= 0) active.push(r);
        if (active.length === 0) break;
        const p = fraction(pInit, i, maxIterations);
        const candidates = new Float32Array(active.length * width);
        const trial = new Float32Array(active.length * width);
        active.forEach((r, slot) => {
          trial.set(delta.subarray(r * width, (r + 1) * width), slot * width);
          if (norm === 2) {
            proposeL2(
              delta.subarray(r * width, (r + 1) * width),
              trial.subarray(slot * width, (slot + 1) * width),
              eps,
              p,
              image,
              mutable,
              random,
            );
          } else if (image) {
            const [h, w, c] = image;
            const side = Math.max(1, Math.min(h - 1, Math.round(Math.sqrt(p * h * w))));
            const top = random.int(h - side + 1);
            const left = random.int(w - side + 1);
            for (let ch = 0; ch < c; ch++) {
              const s = random.next() < 0.5 ? -eps : eps;
              for (let a = top; a < top + side; a++) {
                for (let b = left; b < left + side; b++)
                  trial[slot * width + (a * w + b) * c + ch] = s;
              }
            }
          } else {
            const k = Math.max(1, Math.round(p * mutable.length));
            for (let t = 0; t < k; t++) {
              const j = mutable[random.int(mutable.length)] as number;
              trial[slot * width + j] = random.next() < 0.5 ? -eps : eps;
            }
          }
          const base = x0.subarray(r * width, (r + 1) * width);
          for (let j = 0; j < width; j++) {
            const v = (base[j] as number) + (trial[slot * width + j] as number);
            candidates[slot * width + j] = Math.min(hi[j] as number, Math.max(lo[j] as number, v));
          }
        });
        const activeX0 = new Float32Array(active.length * width);
        const activeLabels = new Int32Array(active.length);
        active.forEach((r, slot) => {
          activeX0.set(x0.subarray(r * width, (r + 1) * width), slot * width);
          activeLabels[slot] = labels[r] as number;
        });
        projector.finish(candidates, activeX0, active.length, eps, norm);
        const scored = await margins(candidates, activeLabels, active.length);
        active.forEach((r, slot) => {
          if ((scored.margin[slot] as number) < (best[r] as number)) {
            best[r] = scored.margin[slot] as number;
            bestLabels[r] = scored.labels[slot] as number;
            current.set(candidates.subarray(slot * width, (slot + 1) * width), r * width);
            if (norm === 2) {
              for (let j = r * width; j < (r + 1) * width; j++)
                delta[j] = (current[j] as number) - (x0[j] as number);
            } else {
              delta.set(trial.subarray(slot * width, (slot + 1) * width), r * width);
            }
          }
        });
      }
      recordChunk(outcome, from, current, bestLabels, labels, n, options.onProgress);
    }
  } catch (error) {
    if (isAttackInputError(error)) throw error;
    outcome.stopped = stopOf(error, signal);
  }
  outcome.queries = spent();
  return outcome;
}
