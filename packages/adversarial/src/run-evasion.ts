import { ConfigError, type ModelTarget } from '@mlwarden/core';
import {
  type AttackOutcome,
  type AttackStop,
  endRun,
  type LabelledRows,
  perturbationNorm,
  queryUsage,
  stopOf,
  widthOfTarget,
} from './_evasion-common.js';
import type { Norm } from './_projector.js';
import { hopSkipJump } from './hop-skip-jump.js';
import { fgsm, pgd } from './pgd.js';
import { squareAttack } from './square-attack.js';
import type { TabularConstraints } from './tabular-constraints.js';

export type EvasionAttack = 'fgsm' | 'pgd' | 'hsj' | 'square';
export const EVASION_ATTACKS: readonly EvasionAttack[] = ['fgsm', 'pgd', 'hsj', 'square'];

export interface EvasionOptions {
  attack: EvasionAttack;
  /** Perturbation sizes to evaluate, in the units of the features. */
  epsilons: readonly number[];
  /** Default `inf`, except `2` for hsj. */
  norm?: Norm;
  /** PGD steps (default 20), HopSkipJump iterations (default 40), square iterations (default 1000). */
  iterations?: number;
  /** PGD step size as a multiple of `epsilon / iterations`. Default 2.5. */
  stepFactor?: number;
  /** PGD random start. Default false. */
  randomStart?: boolean;
  /** PGD: stop updating rows once fooled. Default true. */
  earlyStop?: boolean;
  /** Black-box attacks: most queries spent on one row. */
  maxQueriesPerRow?: number;
  /** Seed of every random choice. Default 0. */
  seed?: number;
  constraints?: TabularConstraints;
  /** Rows per model call. Default 256 (white-box), 128 (square). */
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, label: string) => void;
}

/** Robustness at one perturbation size. */
export interface EvasionPoint {
  epsilon: number;
  /** Share of evaluated rows still classified correctly under attack. */
  robustAccuracy: number;
  /** Share of correctly classified rows the attack fooled. */
  successRate: number;
  /** Mean perturbation size (in `norm`) of the successful adversarial rows; 0 when none. */
  meanPerturbation: number;
  /** Queries spent for this point (hsj: its one run serves every epsilon; the run's total). */
  queries: number;
  /** Rows the point is computed over (fewer than all when the run stopped early). */
  samples: number;
}

export interface EvasionResult {
  attack: EvasionAttack;
  norm: Norm;
  seed: number;
  /** Rows evaluated. */
  samples: number;
  /** Share of rows the model classifies correctly without attack; null if that was not measured. */
  cleanAccuracy: number | null;
  curve: EvasionPoint[];
  /** Queries this run spent, and the target's budget if it has one. */
  queries: { used: number; budget?: number };
  /** False when a budget, abort or error stopped the run; the curve then holds partial results. */
  complete: boolean;
  stopped?: AttackStop;
}

function checkOptions(options: EvasionOptions): Norm {
  if (!EVASION_ATTACKS.includes(options.attack)) {
    throw new ConfigError(
      `unknown attack "${options.attack}"; use one of ${EVASION_ATTACKS.join(', ')}`,
    );
  }
  if (
    options.epsilons.length === 0 ||
    options.epsilons.some((e) => !(e >= 0 && Number.isFinite(e)))
  ) {
    throw new ConfigError('epsilons must be a non-empty list of finite numbers >= 0');
  }
  const norm = options.norm ?? (options.attack === 'hsj' ? 2 : 'inf');
  if (norm !== 'inf' && norm !== 2)
    throw new ConfigError(`norm must be "inf" or 2, got ${String(norm)}`);
  return norm;
}

function pick(rows: LabelledRows, width: number, index: readonly number[]): LabelledRows {
  const x = new Float32Array(index.length * width);
  const y = new Int32Array(index.length);
  index.forEach((i, k) => {
    x.set(rows.x.subarray(i * width, (i + 1) * width), k * width);
    y[k] = rows.y[i] as number;
  });
  return { x, y, n: index.length };
}

/**
 * Runs one evasion attack over labelled rows at every epsilon and measures clean accuracy, robust
 * accuracy, success rate, mean perturbation and queries. Only correctly classified rows are
 * attacked. When the target's budget runs out (or the run is aborted) it stops cleanly: the
 * result is marked incomplete and keeps every point measured so far, computed over the rows
 * finished.
 */
export async function runEvasion(
  target: ModelTarget,
  rows: LabelledRows,
  options: EvasionOptions,
): Promise<EvasionResult> {
  const norm = checkOptions(options);
  const width = widthOfTarget(target);
  const seed = options.seed ?? 0;
  const epsilons = [...options.epsilons].sort((a, b) => a - b);
  const usage = queryUsage(target);
  const signal = options.signal;
  const result: EvasionResult = {
    attack: options.attack,
    norm,
    seed,
    samples: rows.n,
    cleanAccuracy: null,
    curve: [],
    queries: { used: 0 },
    complete: true,
  };
  const finish = (stopped?: AttackStop) => endRun(result, usage, stopped);

  let clean: Int32Array;
  try {
    clean = (await target.predict(rows.x, rows.n, signal ? { signal } : undefined)).labels;
  } catch (error) {
    return finish(stopOf(error, signal));
  }
  const correct: number[] = [];
  for (let i = 0; i < rows.n; i++) if (clean[i] === rows.y[i]) correct.push(i);
  result.cleanAccuracy = rows.n === 0 ? 0 : correct.length / rows.n;
  const attackRows = pick(rows, width, correct);
  const total = options.attack === 'hsj' ? correct.length : correct.length * epsilons.length;
  let doneBefore = 0;
  const progress = (label: string) => (done: number) =>
    options.onProgress?.(doneBefore + done, total, label);

  /** Turns an outcome into a point, over the rows up to the last one attacked. */
  const point = (
    epsilon: number,
    outcome: AttackOutcome,
    fooled: (k: number) => boolean,
    size: (k: number) => number,
  ): EvasionPoint => {
    const attacked = outcome.attacked;
    // Rows of the original order covered: all rows before the first correct row not attacked.
    const covered = attacked === correct.length ? rows.n : (correct[attacked] as number);
    let fooledCount = 0;
    let sizeSum = 0;
    for (let k = 0; k < attacked; k++) {
      if (!fooled(k)) continue;
      fooledCount++;
      sizeSum += size(k);
    }
    const correctCovered = attacked;
    return {
      epsilon,
      robustAccuracy: covered === 0 ? 0 : (correctCovered - fooledCount) / covered,
      successRate: correctCovered === 0 ? 0 : fooledCount / correctCovered,
      meanPerturbation: fooledCount === 0 ? 0 : sizeSum / fooledCount,
      queries: outcome.queries,
      samples: covered,
    };
  };

  if (options.attack === 'hsj') {
    const outcome = await hopSkipJump(target, attackRows, {
      norm,
      seed,
      stopAtDistance: epsilons[0] as number,
      ...(options.iterations !== undefined && { maxIterations: options.iterations }),
      ...(options.maxQueriesPerRow !== undefined && { maxQueriesPerRow: options.maxQueriesPerRow }),
      ...(options.constraints !== undefined && { constraints: options.constraints }),
      ...(signal !== undefined && { signal }),
      onProgress: progress('hsj'),
    });
    for (const epsilon of epsilons) {
      result.curve.push(
        point(
          epsilon,
          outcome,
          (k) =>
            outcome.success[k] === 1 && (outcome.distances[k] as number) <= epsilon * (1 + 1e-9),
          (k) => outcome.distances[k] as number,
        ),
      );
    }
    return finish(outcome.stopped);
  }

  for (const epsilon of epsilons) {
    const label = `${options.attack} epsilon=${epsilon}`;
    const common = {
      epsilon,
      norm,
      ...(options.constraints !== undefined && { constraints: options.constraints }),
      ...(options.batchSize !== undefined && { batchSize: options.batchSize }),
      ...(signal !== undefined && { signal }),
      onProgress: progress(label),
    };
    let outcome: AttackOutcome;
    if (options.attack === 'fgsm') {
      outcome = await fgsm(target, attackRows, common);
    } else if (options.attack === 'pgd') {
      const iterations = options.iterations ?? 20;
      outcome = await pgd(target, attackRows, {
        ...common,
        iterations,
        stepSize: ((options.stepFactor ?? 2.5) * epsilon) / iterations,
        randomStart: options.randomStart ?? false,
        earlyStop: options.earlyStop ?? true,
        seed,
      });
    } else {
      const iterations = options.iterations ?? 1000;
      outcome = await squareAttack(target, attackRows, {
        ...common,
        seed,
        maxIterations: Math.max(
          0,
          Math.min(iterations, (options.maxQueriesPerRow ?? Infinity) - 1),
        ),
      });
    }
    result.curve.push(
      point(
        epsilon,
        outcome,
        (k) => outcome.success[k] === 1,
        (k) => perturbationNorm(outcome.adversarial, attackRows.x, k, width, norm),
      ),
    );
    doneBefore += correct.length;
    if (outcome.stopped) return finish(outcome.stopped);
  }
  return finish();
}
