import { ConfigError, type ModelTarget } from '@mlwarden/core';
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
import type { TabularConstraints } from './tabular-constraints.js';

export interface PgdOptions extends AttackRunOptions {
  /** Radius of the perturbation ball. */
  epsilon: number;
  /** `inf` (default) or `2`. */
  norm?: Norm;
  /** Step per iteration. Default `2.5 × epsilon / iterations`. */
  stepSize?: number;
  /** Default 20. */
  iterations?: number;
  /** Start from a uniformly random point of the ball. Default false. */
  randomStart?: boolean;
  /** Seed of the random start. Default 0. */
  seed?: number;
  /** Stop updating a row once it is misclassified (costs one prediction per step). Default true. */
  earlyStop?: boolean;
  /** Bounds and tabular validity rules. */
  constraints?: TabularConstraints;
  /** Rows per gradient call. Default 256. */
  batchSize?: number;
}

function requireGradient(target: ModelTarget): NonNullable<ModelTarget['gradient']> {
  if (target.gradient === undefined) {
    throw new ConfigError(
      `${target.source} offers no gradients, so a white-box attack cannot run`,
      {
        hint: 'use a black-box attack (hsj or square) for endpoints and plain functions',
      },
    );
  }
  return target.gradient.bind(target);
}

/** Per-row steepest ascent direction: sign for L∞, unit vector for L2 (zero stays zero). */
function direction(g: Float32Array, rows: number, width: number, norm: Norm): void {
  for (let r = 0; r < rows; r++) {
    const base = r * width;
    if (norm === 'inf') {
      for (let j = 0; j < width; j++) g[base + j] = Math.sign(g[base + j] as number);
      continue;
    }
    let sum = 0;
    for (let j = 0; j < width; j++) sum += (g[base + j] as number) ** 2;
    const length = Math.sqrt(sum);
    for (let j = 0; j < width; j++) g[base + j] = length > 0 ? (g[base + j] as number) / length : 0;
  }
}

/** Projects `x − x0` onto the ball of radius `eps`, in place. */
function project(
  x: Float32Array,
  x0: Float32Array,
  rows: number,
  width: number,
  eps: number,
  norm: Norm,
) {
  for (let r = 0; r < rows; r++) {
    const base = r * width;
    if (norm === 'inf') {
      const e = Math.fround(eps);
      for (let j = 0; j < width; j++) {
        const d = Math.fround((x[base + j] as number) - (x0[base + j] as number));
        x[base + j] = (x0[base + j] as number) + Math.sign(d) * Math.min(Math.abs(d), e);
      }
      continue;
    }
    let sum = 0;
    for (let j = 0; j < width; j++) {
      const d = Math.fround((x[base + j] as number) - (x0[base + j] as number));
      sum += d * d;
    }
    const length = Math.sqrt(sum);
    const scale = length > 0 ? Math.min(1, eps / length) : 0;
    for (let j = 0; j < width; j++) {
      const d = Math.fround((x[base + j] as number) - (x0[base + j] as number));
      x[base + j] = (x0[base + j] as number) + Math.fround(d * scale);
    }
  }
}

function randomStart(
  x: Float32Array,
  rows: number,
  width: number,
  eps: number,
  norm: Norm,
  seed: number,
): void {
  const random = createRandom(seed);
  for (let r = 0; r < rows; r++) {
    const base = r * width;
    if (norm === 'inf') {
      for (let j = 0; j < width; j++)
        x[base + j] = (x[base + j] as number) + (2 * random.next() - 1) * eps;
      continue;
    }
    // Uniform in the L2 ball: a Gaussian direction scaled by eps × U^(1/d).
    const v = new Float64Array(width);
    let sum = 0;
    for (let j = 0; j < width; j++) {
      v[j] = random.normal();
      sum += (v[j] as number) ** 2;
    }
    const radius = (eps * random.next() ** (1 / width)) / Math.sqrt(sum);
    for (let j = 0; j < width; j++)
      x[base + j] = (x[base + j] as number) + (v[j] as number) * radius;
  }
}

/**
 * Projected gradient descent (Madry et al., 2018) on the cross-entropy loss: repeated steps along
 * the gradient's sign (L∞) or direction (L2), each clipped to the bounds and projected back into
 * the epsilon ball around the original row. With `randomStart: false` and `earlyStop: false` the
 * steps are those of ART's ProjectedGradientDescent, so both produce the same examples.
 */
export async function pgd(
  target: ModelTarget,
  rows: LabelledRows,
  options: PgdOptions,
): Promise<AttackOutcome> {
  const gradient = requireGradient(target);
  const { x, y, n } = rows;
  const width = widthOfTarget(target);
  const norm = options.norm ?? 'inf';
  const eps = options.epsilon;
  const iterations = options.iterations ?? 20;
  const step = options.stepSize ?? (2.5 * eps) / iterations;
  const batchSize = options.batchSize ?? 256;
  const earlyStop = options.earlyStop ?? true;
  if (!(eps >= 0) || !(step >= 0) || !(Number.isInteger(iterations) && iterations >= 1)) {
    throw new ConfigError(
      `PGD needs epsilon >= 0, stepSize >= 0 and a whole number of iterations >= 1 (got ${eps}, ${step}, ${iterations})`,
    );
  }
  const projector = createProjector(options.constraints ?? {}, width);
  const outcome = emptyOutcome(n, width, x);
  const spent = queryCounter(target);
  const signal = options.signal;
  try {
    for (let from = 0; from < n; from += batchSize) {
      signal?.throwIfAborted();
      const to = Math.min(n, from + batchSize);
      const m = to - from;
      const x0 = x.subarray(from * width, to * width);
      const labels = y.subarray(from, to);
      const adv = Float32Array.from(x0);
      if (options.randomStart) {
        randomStart(adv, m, width, eps, norm, (options.seed ?? 0) + from);
        projector.clip(adv, m);
      }
      const best = Float32Array.from(x0);
      const done = new Uint8Array(m);
      const predicted = new Int32Array(m);
      const candidate = new Float32Array(m * width);
      for (let it = 0; it < iterations; it++) {
        signal?.throwIfAborted();
        const g = await gradient(adv, labels, m);
        if (projector.mask) {
          for (let r = 0; r < m; r++) {
            for (let j = 0; j < width; j++)
              g[r * width + j] = (g[r * width + j] as number) * (projector.mask[j] as number);
          }
        }
        direction(g, m, width, norm);
        for (let r = 0; r < m; r++) {
          if (done[r]) continue;
          const base = r * width;
          for (let j = 0; j < width; j++)
            adv[base + j] = (adv[base + j] as number) + step * (g[base + j] as number);
        }
        projector.clip(adv, m);
        project(adv, x0, m, width, eps, norm);
        if (!earlyStop && it < iterations - 1) continue;
        candidate.set(adv);
        projector.finish(candidate, x0, m, eps, norm);
        const { labels: got } = await target.predict(candidate, m, signal ? { signal } : undefined);
        for (let r = 0; r < m; r++) {
          if (done[r]) continue;
          predicted[r] = got[r] as number;
          best.set(candidate.subarray(r * width, (r + 1) * width), r * width);
          if (earlyStop && got[r] !== labels[r]) done[r] = 1;
        }
        if (earlyStop && done.every((d) => d === 1)) break;
      }
      recordChunk(outcome, from, best, predicted, labels, n, options.onProgress);
    }
  } catch (error) {
    // A model that cannot answer (no gradient for an op, wrong input) is the caller's problem;
    // budget exhaustion, aborts and transient failures end the run with partial results.
    if (isAttackInputError(error)) throw error;
    outcome.stopped = stopOf(error, signal);
  }
  outcome.queries = spent();
  return outcome;
}

/** Fast gradient sign method (Goodfellow et al., 2015): one PGD step of size epsilon. */
export function fgsm(
  target: ModelTarget,
  rows: LabelledRows,
  options: Omit<PgdOptions, 'iterations' | 'stepSize' | 'randomStart' | 'earlyStop'>,
): Promise<AttackOutcome> {
  return pgd(target, rows, {
    ...options,
    iterations: 1,
    stepSize: options.epsilon,
    randomStart: false,
    earlyStop: false,
  });
}
