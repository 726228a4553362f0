import { MlwardenError, type ModelTarget } from '@mlwarden/core';
import type { Norm } from './_projector.js';
import { QueryBudgetError } from './query-budget-error.js';

/**
 * True for an error about the attack's inputs — a model that cannot answer (no gradient for an
 * op, a wrong input shape), rows that do not fit it — which ends the run as the caller's problem.
 * Budget exhaustion, aborts and failing endpoints are not: they stop the attack with partial
 * results. (`InputError.isInstance` would not do: like every `isInstance`, it accepts any
 * MlwardenError, including the budget's.)
 */
export function isAttackInputError(error: unknown): boolean {
  return (
    MlwardenError.isInstance(error) &&
    !QueryBudgetError.is(error) &&
    (error.name === 'InputError' || error.code === 'MLW_MODEL_NO_GRADIENT')
  );
}

/** Rows to attack, row-major, with their true labels. */
export interface LabelledRows {
  x: Float32Array;
  y: Int32Array;
  n: number;
}

/** Why an attack stopped before it finished every row. */
export interface AttackStop {
  kind: 'budget' | 'aborted' | 'error';
  message: string;
}

/** The result of one attack at one perturbation size over a set of rows. */
export interface AttackOutcome {
  /** Adversarial rows, `n × width`; rows not attacked hold the original values. */
  adversarial: Float32Array;
  /** Label the model gave each adversarial row; -1 when not attacked or not observed. */
  predicted: Int32Array;
  /** 1 where the adversarial row is misclassified. */
  success: Uint8Array;
  /** Rows the attack completed, always the first `attacked` rows. */
  attacked: number;
  /** Model queries (rows evaluated, gradients included) the attack spent. */
  queries: number;
  /** Set when the attack stopped early; its partial results are still valid. */
  stopped?: AttackStop;
}

export interface AttackRunOptions {
  signal?: AbortSignal;
  /** Called after each finished chunk of rows. */
  onProgress?: (done: number, total: number) => void;
}

export function stopOf(error: unknown, signal: AbortSignal | undefined): AttackStop {
  if (QueryBudgetError.is(error)) return { kind: 'budget', message: error.message };
  if (signal?.aborted) return { kind: 'aborted', message: 'the attack was aborted' };
  return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
}

/** Size of a perturbation in the given norm. */
export function perturbationNorm(
  a: Float32Array,
  b: Float32Array,
  row: number,
  width: number,
  norm: Norm,
): number {
  const base = row * width;
  let acc = 0;
  for (let j = 0; j < width; j++) {
    const d = Math.abs((a[base + j] as number) - (b[base + j] as number));
    if (norm === 'inf') acc = Math.max(d, acc);
    else acc += d * d;
  }
  return norm === 'inf' ? acc : Math.sqrt(acc);
}

export function widthOfTarget(target: ModelTarget): number {
  const spec = target.inputSpec;
  return 'features' in spec ? spec.features.length : spec.shape.reduce((a, b) => a * b, 1);
}

/** Counts queries made through `target` during `body`, whatever its accounting does. */
export function queryCounter(target: ModelTarget): () => number {
  const start = target.queries.used;
  return () => target.queries.used - start;
}

/** What a whole run reports about queries: those spent since this was called, and the budget. */
export interface QueryUsage {
  used: number;
  budget?: number;
}

/** A run's result as every run ends it: its queries, and whether and why it stopped early. */
export interface RunEnding {
  queries: QueryUsage;
  complete: boolean;
  stopped?: AttackStop;
}

/** Counts the queries a run makes through `target` from now on, with the target's budget. */
export function queryUsage(target: ModelTarget): () => QueryUsage {
  const spent = queryCounter(target);
  return () => ({
    used: spent(),
    ...(target.queries.budget !== undefined && { budget: target.queries.budget }),
  });
}

/** Ends a run: records the queries it made and, if it stopped early, why. Returns `result`. */
export function endRun<R extends RunEnding>(
  result: R,
  usage: () => QueryUsage,
  stopped?: AttackStop,
): R {
  result.queries = usage();
  if (stopped) {
    result.complete = false;
    result.stopped = stopped;
  }
  return result;
}

export function emptyOutcome(n: number, width: number, x: Float32Array): AttackOutcome {
  return {
    adversarial: Float32Array.from(x.subarray(0, n * width)),
    predicted: new Int32Array(n).fill(-1),
    success: new Uint8Array(n),
    attacked: 0,
    queries: 0,
  };
}

/** Stores a finished chunk `[from, from + m)` of rows in the outcome and reports progress. */
export function recordChunk(
  outcome: AttackOutcome,
  from: number,
  adversarial: Float32Array,
  predicted: Int32Array,
  labels: Int32Array,
  total: number,
  onProgress: AttackRunOptions['onProgress'],
): void {
  outcome.adversarial.set(adversarial, from * (adversarial.length / labels.length));
  for (let r = 0; r < labels.length; r++) {
    outcome.predicted[from + r] = predicted[r] as number;
    outcome.success[from + r] = predicted[r] !== labels[r] ? 1 : 0;
  }
  outcome.attacked = from + labels.length;
  onProgress?.(outcome.attacked, total);
}
