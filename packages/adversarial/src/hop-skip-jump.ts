import { ConfigError, type ModelTarget } from '@mlwarden/core';
import { featureBounds } from './_bounds.js';
import {
  type AttackOutcome,
  type AttackRunOptions,
  emptyOutcome,
  type LabelledRows,
  queryCounter,
  stopOf,
  widthOfTarget,
} from './_evasion-common.js';
import { createProjector, type Norm } from './_projector.js';
import { createRandom, type Random } from './_random.js';
import { QueryBudgetError } from './query-budget-error.js';
import type { TabularConstraints } from './tabular-constraints.js';

export interface HopSkipJumpOptions extends AttackRunOptions {
  /** `2` (default) or `inf`. */
  norm?: Norm;
  /** Boundary-walk iterations per row. Default 40. */
  maxIterations?: number;
  /** Model evaluations for the first gradient estimate; grows with √iteration. Default 100. */
  initialEvaluations?: number;
  /** Cap on one gradient estimate. Default 10 000. */
  maxEvaluations?: number;
  /** Random starting points tried per row before giving up. Default 100. */
  initialTries?: number;
  /** Hard cap on model queries per row. Default: unlimited (the global budget still applies). */
  maxQueriesPerRow?: number;
  /** Stop a row once its perturbation is at most this size (saves queries). */
  stopAtDistance?: number;
  /** Rows attacked at once. Default 4. */
  parallelRows?: number;
  seed?: number;
  constraints?: TabularConstraints;
}

export interface HopSkipJumpOutcome extends AttackOutcome {
  /** Size of each row's perturbation (Infinity where no adversarial example was found). */
  distances: Float64Array;
}

class RowBudgetSpent extends Error {}

/**
 * HopSkipJump (Chen, Jordan and Wainwright, 2020), a decision-based attack: it needs only the
 * predicted label. From a misclassified starting point it walks along the decision boundary
 * towards the original row, estimating the boundary's normal from label flips of random probes.
 * Every row gets its own seeded random stream, so results do not depend on `parallelRows`.
 */
export async function hopSkipJump(
  target: ModelTarget,
  rows: LabelledRows,
  options: HopSkipJumpOptions = {},
): Promise<HopSkipJumpOutcome> {
  const { x, y, n } = rows;
  const width = widthOfTarget(target);
  const norm = options.norm ?? 2;
  const maxIterations = options.maxIterations ?? 40;
  const initialEvaluations = options.initialEvaluations ?? 100;
  const maxEvaluations = options.maxEvaluations ?? 10_000;
  const initialTries = options.initialTries ?? 100;
  const rowBudget = options.maxQueriesPerRow ?? Number.POSITIVE_INFINITY;
  const parallel = options.parallelRows ?? 4;
  const seed = options.seed ?? 0;
  if (!(maxIterations >= 0 && initialEvaluations >= 1 && parallel >= 1)) {
    throw new ConfigError(
      'HopSkipJump needs maxIterations >= 0, initialEvaluations >= 1, parallelRows >= 1',
    );
  }
  const { lo, hi } = featureBounds(options.constraints, x, width);
  const projector = createProjector(options.constraints ?? {}, width);
  const mask = projector.mask;
  const theta = norm === 2 ? 0.01 / Math.sqrt(width) : 0.01 / width;
  const signal = options.signal;
  const outcome: HopSkipJumpOutcome = {
    ...emptyOutcome(n, width, x),
    distances: new Float64Array(n).fill(Number.POSITIVE_INFINITY),
  };
  const spent = queryCounter(target);
  let stop: unknown;

  const distance = (a: Float32Array, b: Float32Array): number => {
    let acc = 0;
    for (let j = 0; j < width; j++) {
      const d = Math.abs((a[j] as number) - (b[j] as number));
      acc = norm === 'inf' ? Math.max(acc, d) : acc + d * d;
    }
    return norm === 'inf' ? acc : Math.sqrt(acc);
  };
  const clip = (v: Float32Array) => {
    for (let j = 0; j < width; j++) {
      v[j] = Math.min(hi[j] as number, Math.max(lo[j] as number, v[j] as number));
    }
  };

  const attackRow = async (row: number, random: Random): Promise<void> => {
    const x0 = x.slice(row * width, (row + 1) * width);
    const label = y[row] as number;
    let used = 0;
    /** 1 where the model's label differs from the true one. */
    const adversarial = async (batch: Float32Array, m: number): Promise<Uint8Array> => {
      if (used + m > rowBudget) throw new RowBudgetSpent();
      used += m;
      const { labels } = await target.predict(batch, m, signal ? { signal } : undefined);
      return Uint8Array.from(labels, (l) => (l !== label ? 1 : 0));
    };
    const isAdversarial = async (v: Float32Array) => (await adversarial(v, 1))[0] === 1;
    const interpolate = (current: Float32Array, alpha: number, how: Norm): Float32Array => {
      const out = new Float32Array(width);
      for (let j = 0; j < width; j++) {
        const o = x0[j] as number;
        const c = current[j] as number;
        out[j] =
          how === 2 ? (1 - alpha) * o + alpha * c : Math.min(o + alpha, Math.max(o - alpha, c));
      }
      return out;
    };
    const binarySearch = async (current: Float32Array, how: Norm, threshold?: number) => {
      let upper = how === 2 ? 1 : distance(current, x0);
      let lower = 0;
      const stop = threshold ?? (how === 2 ? theta : Math.min(upper * theta, theta));
      while (upper - lower > stop) {
        const mid = (upper + lower) / 2;
        if (await isAdversarial(interpolate(current, mid, how))) upper = mid;
        else lower = mid;
      }
      return interpolate(current, upper, how);
    };

    let best: Float32Array | undefined;
    let bestDistance = Number.POSITIVE_INFINITY;
    const keep = (candidate: Float32Array) => {
      const d = distance(candidate, x0);
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    };
    try {
      // A random point of the box that the model already misclassifies.
      let start: Float32Array | undefined;
      for (let t = 0; t < initialTries && start === undefined; t++) {
        const probe = new Float32Array(width);
        for (let j = 0; j < width; j++) {
          probe[j] =
            mask?.[j] === 0
              ? (x0[j] as number)
              : (lo[j] as number) + random.next() * ((hi[j] as number) - (lo[j] as number));
        }
        if (await isAdversarial(probe)) start = probe;
      }
      if (start !== undefined) {
        let current = await binarySearch(start, 2, 0.001);
        keep(current);
        for (let iteration = 1; iteration <= maxIterations; iteration++) {
          signal?.throwIfAborted();
          if (bestDistance <= (options.stopAtDistance ?? -1)) break;
          const dist = distance(current, x0);
          const delta =
            iteration === 1
              ? 0.1 * Math.max(...hi.map((h, j) => h - (lo[j] as number)))
              : (norm === 2 ? Math.sqrt(width) : width) * theta * dist;
          current = await binarySearch(current, norm);
          keep(current);
          // Estimate the boundary's normal from label flips of probes around the current point.
          const wanted = Math.min(
            Math.floor(initialEvaluations * Math.sqrt(iteration)),
            maxEvaluations,
          );
          const evaluations = Math.min(wanted, rowBudget - used);
          if (evaluations < 2) break;
          const probes = new Float32Array(evaluations * width);
          const noise = new Float64Array(evaluations * width);
          for (let e = 0; e < evaluations; e++) {
            let sum = 0;
            for (let j = 0; j < width; j++) {
              const v = mask?.[j] === 0 ? 0 : norm === 2 ? random.normal() : 2 * random.next() - 1;
              noise[e * width + j] = v;
              sum += v * v;
            }
            const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0;
            for (let j = 0; j < width; j++) {
              const c = current[j] as number;
              const p = Math.min(
                hi[j] as number,
                Math.max(lo[j] as number, c + delta * (noise[e * width + j] as number) * scale),
              );
              probes[e * width + j] = p;
              noise[e * width + j] = (p - c) / delta;
            }
          }
          const flips = await adversarial(probes, evaluations);
          let mean = 0;
          for (const f of flips) mean += 2 * f - 1;
          mean /= evaluations;
          const update = new Float64Array(width);
          for (let e = 0; e < evaluations; e++) {
            const f = Math.abs(mean) === 1 ? mean : 2 * (flips[e] as number) - 1 - mean;
            for (let j = 0; j < width; j++)
              update[j] =
                (update[j] as number) + (f * (noise[e * width + j] as number)) / evaluations;
          }
          if (norm === 2) {
            const length = Math.hypot(...update);
            if (length === 0) break;
            for (let j = 0; j < width; j++) update[j] = (update[j] as number) / length;
          } else {
            for (let j = 0; j < width; j++) update[j] = Math.sign(update[j] as number);
          }
          // Geometric step-size search: the longest step that stays adversarial.
          let step = (2 * distance(current, x0)) / Math.sqrt(iteration);
          let moved: Float32Array | undefined;
          for (let halvings = 0; halvings < 30 && moved === undefined; halvings++) {
            step /= 2;
            const candidate = new Float32Array(width);
            for (let j = 0; j < width; j++)
              candidate[j] = (current[j] as number) + step * (update[j] as number);
            clip(candidate);
            if (await isAdversarial(candidate)) moved = candidate;
          }
          if (moved === undefined) break;
          current = moved;
          keep(current);
        }
      }
    } catch (error) {
      // The global budget ran out: this row keeps its best adversarial so far, no new row starts.
      if (QueryBudgetError.is(error)) {
        stop ??= error;
        if (projector.snaps) best = undefined;
      } else if (!(error instanceof RowBudgetSpent)) {
        throw error;
      }
    }
    if (best !== undefined && projector.snaps && stop === undefined) {
      // Snap integer and one-hot features, then confirm the row is still misclassified.
      const snapped = Float32Array.from(best);
      projector.finish(snapped, x0, 1, bestDistance, norm);
      const stillAdversarial =
        used < rowBudget && (await isAdversarial(snapped).catch(() => false));
      best = stillAdversarial ? snapped : undefined;
      bestDistance = stillAdversarial ? distance(snapped, x0) : Number.POSITIVE_INFINITY;
    }
    if (best !== undefined) {
      outcome.adversarial.set(best, row * width);
      outcome.success[row] = 1;
      outcome.distances[row] = bestDistance;
      outcome.predicted[row] = -1; // misclassified; which wrong label is not tracked
    } else {
      outcome.predicted[row] = label;
    }
  };

  // Rows run `parallel` at a time; `attacked` counts the finished prefix.
  const finished = new Uint8Array(n);
  let next = 0;
  const worker = async () => {
    while (stop === undefined && next < n) {
      const row = next++;
      try {
        await attackRow(row, createRandom(seed * 1_000_003 + row));
        finished[row] = 1;
        while (outcome.attacked < n && finished[outcome.attacked]) outcome.attacked++;
        options.onProgress?.(outcome.attacked, n);
      } catch (error) {
        stop ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, Math.max(n, 1)) }, worker));
  if (stop !== undefined) outcome.stopped = stopOf(stop, signal);
  // Rows after the finished prefix are reported as not attacked.
  for (let row = outcome.attacked; row < n; row++) {
    outcome.success[row] = 0;
    outcome.predicted[row] = -1;
    outcome.distances[row] = Number.POSITIVE_INFINITY;
    outcome.adversarial.set(x.subarray(row * width, (row + 1) * width), row * width);
  }
  outcome.queries = spent();
  return outcome;
}
