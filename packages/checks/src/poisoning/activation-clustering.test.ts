import { describe, expect, it } from 'vitest';
import { createRandom } from '../stats/_random.js';
import { principalSubspace } from './_principal-subspace.js';
import { gaussian, matrixOf } from './_test-data.js';
import { activationClustering } from './activation-clustering.js';

/**
 * Two classes of `n / 2` rows with `e`-dimensional activations; rows of class 1 with
 * i % 20 === 1 are planted: shifted by `shift` in the upper half of the dimensions.
 */
function planted(n: number, e: number, shift: number, seed: number) {
  const normal = gaussian(createRandom(seed));
  const x = new Float64Array(n * e);
  const y = new Int32Array(n);
  const poison: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    y[i] = c;
    const p = c === 1 && i % 20 === 1;
    if (p) poison.push(i);
    for (let j = 0; j < e; j++)
      x[i * e + j] = normal() + (j === c ? 3 : 0) + (p && j >= e / 2 ? shift : 0);
  }
  return { matrix: matrixOf(x, y, e, ['0', '1']), poison };
}

const sorted = (rows: number[]) => [...rows].sort((a, b) => a - b);

describe('activationClustering', () => {
  it('finds exactly the planted rows of a class and leaves the clean class alone', () => {
    const { matrix, poison } = planted(1200, 16, 4, 1);
    const progress: number[][] = [];
    const result = activationClustering(matrix, {
      seed: 3,
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(progress).toEqual([
      [1, 2],
      [2, 2],
    ]);
    expect(result.dims).toBe(10);
    const [clean, dirty] = result.classes;
    expect(clean?.flagged).toBe(false);
    expect(clean?.clusterSizes.reduce((a, b) => a + b)).toBe(600);
    expect(Math.min(...(clean?.clusterSizes ?? [])) / 600).toBeGreaterThan(0.35);
    expect(dirty?.flagged).toBe(true);
    expect(dirty?.clusterSizes).toEqual([540, 60]);
    expect(sorted(dirty?.suspicious ?? [])).toEqual(poison);
    // Scores: highest first, every planted row clearly nearer its own centre.
    const scores = dirty?.scores ?? [];
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(Math.min(...scores)).toBeGreaterThan(0.3);
    expect(Math.max(...scores)).toBeLessThanOrEqual(1);
    expect(dirty?.silhouette as number).toBeGreaterThan(0.1);
    expect(clean?.silhouette as number).toBeLessThan(dirty?.silhouette as number);
  });

  it('reduces wide activations with PCA and still finds the planted rows', () => {
    const { matrix, poison } = planted(1000, 64, 2, 2);
    const result = activationClustering(matrix, { seed: 5, dims: 10 });
    expect(result.dims).toBe(10);
    expect(sorted(result.classes[1]?.suspicious ?? [])).toEqual(poison);
    // Without reduction (dims ≥ width) the same rows are found.
    const full = activationClustering(matrix, { seed: 5, dims: 64 });
    expect(full.dims).toBe(64);
    expect(sorted(full.classes[1]?.suspicious ?? [])).toEqual(poison);
  });

  it('flags nothing in clean data with the size and silhouette analyses; `smaller` always flags', () => {
    const { matrix } = planted(1200, 16, 0, 4);
    for (const method of ['relative-size', 'silhouette'] as const) {
      const result = activationClustering(matrix, { seed: 1, method });
      expect(result.classes.map((c) => c.flagged)).toEqual([false, false]);
      expect(result.classes.every((c) => c.suspicious.length === 0)).toBe(true);
    }
    // ART's default analysis calls the smaller cluster poisoned whatever its size.
    const smaller = activationClustering(matrix, { seed: 1, method: 'smaller' });
    for (const c of smaller.classes) {
      expect(c.flagged).toBe(true);
      expect(c.suspicious.length).toBe(c.clusterSizes[1]);
    }
  });

  it('gives the same result for the same seed, and the same rows for another seed', () => {
    const { matrix, poison } = planted(1200, 24, 3, 6);
    const a = activationClustering(matrix, { seed: 9 });
    const b = activationClustering(matrix, { seed: 9 });
    expect(b).toEqual(a);
    const c = activationClustering(matrix, { seed: 10 });
    expect(sorted(c.classes[1]?.suspicious ?? [])).toEqual(poison);
    // The clean class is split somewhere else (an arbitrary cut of one Gaussian), unflagged.
    expect(c.classes.map((k) => k.flagged)).toEqual([false, true]);
    expect(c.classes[1]?.clusterSizes).toEqual(a.classes[1]?.clusterSizes);
  });

  it('skips classes with fewer rows than clusters or constant activations, and drops NaN rows', () => {
    const { matrix, poison } = planted(1200, 16, 4, 7);
    // Class "2": one row. Class "3": 50 identical rows.
    const extra = 51;
    const n = matrix.n + extra;
    const x = new Float64Array(n * 16);
    x.set(matrix.x);
    x.fill(0.5, matrix.n * 16);
    const y = Int32Array.from({ length: n }, (_, i) =>
      i < matrix.n ? (matrix.y?.[i] as number) : i === matrix.n ? 2 : 3,
    );
    // Two rows of the clean class get NaN and an infinity.
    x[0 * 16 + 3] = Number.NaN;
    x[2 * 16 + 5] = Number.POSITIVE_INFINITY;
    const result = activationClustering(matrixOf(x, y, 16, ['0', '1', '2', '3']), { seed: 1 });
    expect(result.nonFinite).toEqual([0, 2]);
    expect(result.classes[0]?.rows).toBe(598);
    expect(result.classes[0]?.flagged).toBe(false);
    expect(sorted(result.classes[1]?.suspicious ?? [])).toEqual(poison);
    expect(result.classes[2]).toMatchObject({
      rows: 1,
      flagged: false,
      skipped: 'fewer than 2 rows',
    });
    expect(result.classes[3]).toMatchObject({
      rows: 50,
      flagged: false,
      skipped: 'the representations are constant',
      clusterSizes: [],
    });
    // With k = 3 a class of 2 rows is skipped too.
    const two = matrixOf(new Float64Array([0, 1, 2, 3]), new Int32Array([0, 0]), 2, ['0']);
    expect(activationClustering(two, { clusters: 3 }).classes[0]?.skipped).toBe(
      'fewer than 3 rows',
    );
  });

  it('does not flag a cluster smaller than minClusterRows', () => {
    const { matrix } = planted(1200, 16, 4, 8);
    const result = activationClustering(matrix, { seed: 2, minClusterRows: 61 });
    expect(result.classes[1]?.clusterSizes).toEqual([540, 60]);
    expect(result.classes[1]?.flagged).toBe(false);
  });
});

describe('principalSubspace', () => {
  it('spans the directions of the largest variances', () => {
    // Covariance with variances 9, 1, 4, 0.25, 16 on the axes, rotated by nothing: the top-2
    // subspace is spanned by axes 4 and 0.
    const e = 5;
    const variances = [9, 1, 4, 0.25, 16];
    const cov = new Float64Array(e * e);
    variances.forEach((v, i) => {
      cov[i * e + i] = v;
    });
    const basis = principalSubspace(cov, e, 2, createRandom(1));
    const weightOnAxis = (axis: number) =>
      (basis[axis] as number) ** 2 + (basis[e + axis] as number) ** 2;
    expect(weightOnAxis(4)).toBeCloseTo(1, 10);
    expect(weightOnAxis(0)).toBeCloseTo(1, 10);
    expect(weightOnAxis(2)).toBeCloseTo(0, 10);
  });
});
