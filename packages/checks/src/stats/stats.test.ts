import { MlwardenError } from '@mlwarden/core';
import { describe, expect, it } from 'vitest';
import { chiSquare } from './chi-square.js';
import { jensenShannon } from './jensen-shannon.js';
import { ksPValue, ksTwoSample } from './ks-two-sample.js';
import { psi } from './psi.js';
import { normedWasserstein, populationStd, wasserstein } from './wasserstein.js';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return MlwardenError.isInstance(e) ? e.code : 'not an MlwardenError';
  }
  return 'no error';
};

describe('pure drift statistics', () => {
  it('give zero distance between a sample and itself', () => {
    const x = [3, 1, 4, 1, 5, 9, 2, 6];
    expect(ksTwoSample(x, x)).toEqual({ statistic: 0, pValue: 1, method: 'exact' });
    expect(wasserstein(x, x)).toBe(0);
    expect(psi(x, x)).toBe(0);
    expect(jensenShannon([1, 2, 3], [2, 4, 6])).toBe(0);
    expect(chiSquare([1, 2, 3], [2, 4, 6]).statistic).toBe(0);
  });

  it('handle disjoint samples at their extreme values', () => {
    const a = [1, 2, 3];
    const b = [10, 11, 12, 13];
    expect(ksTwoSample(a, b).statistic).toBe(1);
    expect(wasserstein(a, b)).toBeCloseTo(11.5 - 2, 12);
    expect(jensenShannon([5, 0], [0, 5])).toBeCloseTo(Math.sqrt(Math.LN2), 15);
    expect(normedWasserstein([4, 4, 4], [4, 4, 4])).toBe(0);
    expect(normedWasserstein([4, 4, 4], [5])).toBe(Number.POSITIVE_INFINITY);
    expect(populationStd([2, 4, 4, 4, 5, 5, 7, 9])).toBe(2);
  });

  it('sort ±Infinity to the ends for KS', () => {
    expect(
      ksTwoSample([Number.NEGATIVE_INFINITY, 0, 1], [0, 1, Number.POSITIVE_INFINITY]).statistic,
    ).toBeCloseTo(1 / 3, 15);
  });

  it('fall back from exact to asymptotic when lcm(n1, n2) is too large', () => {
    expect(ksPValue(0.01, 46_349, 46_351, 'exact').method).toBe('asymptotic');
    expect(ksPValue(0.01, 20_000, 20_000, 'exact').method).toBe('exact');
    expect(ksPValue(0.01, 20_000, 20_000).method).toBe('asymptotic');
    expect(ksPValue(0.2, 50, 60).method).toBe('exact');
  });

  it('reject empty samples, NaN and invalid counts with input errors', () => {
    expect(code(() => ksTwoSample([], [1]))).toBe('MLW_INPUT_INVALID');
    expect(code(() => wasserstein([1, Number.NaN], [1]))).toBe('MLW_INPUT_INVALID');
    expect(code(() => chiSquare([1, 2], [1]))).toBe('MLW_INPUT_INVALID');
    expect(code(() => chiSquare([1, -2], [1, 1]))).toBe('MLW_INPUT_INVALID');
    expect(code(() => jensenShannon([0, 0], [1, 1]))).toBe('MLW_INPUT_INVALID');
  });

  it('gives one degree of freedom less than the categories seen', () => {
    expect(chiSquare([10, 0, 5, 0], [8, 2, 5, 0]).dof).toBe(2);
    expect(chiSquare([10], [8])).toEqual({ statistic: 0, pValue: 1, dof: 0 });
  });
});
