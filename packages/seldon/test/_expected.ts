import { readFileSync } from 'node:fs';
import { inject } from 'vitest';

/** What train_iris.py computed with scikit-learn on the rows the tests send. */
export interface Expected {
  rows: number[][];
  predict: number[];
  predict_proba: number[][];
  classes: number[];
  coef: number[][];
  intercept: number[];
}

export function loadExpected(): Expected {
  return JSON.parse(readFileSync(inject('mlserver').expectedPath, 'utf8')) as Expected;
}

export function rowsAsFloat32(rows: number[][]): Float32Array {
  return Float32Array.from(rows.flat());
}

/** Largest absolute difference between the client's probabilities and scikit-learn's. */
export function maxProbabilityError(
  actual: Float32Array | undefined,
  expected: number[][],
): number {
  if (!actual) return Number.POSITIVE_INFINITY;
  const flat = expected.flat();
  if (flat.length !== actual.length) return Number.POSITIVE_INFINITY;
  return flat.reduce((m, v, i) => Math.max(m, Math.abs(v - (actual[i] as number))), 0);
}
