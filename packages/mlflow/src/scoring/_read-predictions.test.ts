import { describe, expect, it } from 'vitest';
import { PredictionShapeError, readPredictions } from './_read-predictions.js';

const auto = { output: 'auto' } as const;

function fails(run: () => unknown): PredictionShapeError {
  try {
    run();
  } catch (error) {
    if (error instanceof PredictionShapeError) return error;
    throw error;
  }
  throw new Error('expected a PredictionShapeError');
}

describe('readPredictions', () => {
  it('reads integer labels', () => {
    const out = readPredictions([1, 0, 2], 3, auto);
    expect(Array.from(out.labels)).toEqual([1, 0, 2]);
    expect(out.probabilities).toBeUndefined();
  });

  it('reads probability lists and takes their argmax as labels', () => {
    const out = readPredictions(
      [
        [0.2, 0.7, 0.1],
        [0.5, 0.25, 0.25],
      ],
      2,
      auto,
    );
    expect(Array.from(out.labels)).toEqual([1, 0]);
    expect(out.probabilities?.k).toBe(3);
    expect(Array.from(out.probabilities?.values ?? [])).toEqual(
      Array.from(Float32Array.from([0.2, 0.7, 0.1, 0.5, 0.25, 0.25])),
    );
  });

  it('drops probabilities for output labels, and insists on them for output probabilities', () => {
    expect(readPredictions([[0.2, 0.8]], 1, { output: 'labels' })).toEqual({
      labels: Int32Array.from([1]),
    });
    expect(fails(() => readPredictions([1], 1, { output: 'probabilities' })).message).toMatch(
      /no class probabilities/,
    );
  });

  it('maps class names through classes and rejects unknown ones', () => {
    const classes = ['setosa', 'versicolor', 'virginica'];
    expect(
      Array.from(readPredictions(['virginica', 'setosa'], 2, { ...auto, classes }).labels),
    ).toEqual([2, 0]);
    expect(fails(() => readPredictions(['rose'], 1, { ...auto, classes })).message).toMatch(
      /"rose", which is not one of the 3 classes/,
    );
    expect(fails(() => readPredictions(['setosa'], 1, auto)).hint).toMatch(/classes/);
  });

  it('reads records through labelField and probabilityFields', () => {
    const record = { species: 'versicolor', p_a: 0.1, p_b: 0.6, p_c: 0.3 };
    const out = readPredictions([record], 1, {
      ...auto,
      classes: ['a', 'versicolor', 'c'],
      labelField: 'species',
      probabilityFields: ['p_a', 'p_b', 'p_c'],
    });
    expect(Array.from(out.labels)).toEqual([1]);
    expect(out.probabilities?.k).toBe(3);
  });

  it('reads one-key records as their value and asks which keys to use otherwise', () => {
    expect(Array.from(readPredictions([{ label: 2 }, { label: 0 }], 2, auto).labels)).toEqual([
      2, 0,
    ]);
    const error = fails(() => readPredictions([{ a: 1, b: 2 }], 1, auto));
    expect(error.message).toMatch(/2 keys \(a, b\)/);
    expect(error.hint).toMatch(/labelField/);
    expect(
      fails(() => readPredictions([{ a: 1 }], 1, { ...auto, labelField: 'x' })).message,
    ).toMatch(/no key x/);
  });

  it('rejects wrong counts, regressor outputs and ragged probability rows', () => {
    expect(fails(() => readPredictions([1, 2], 3, auto)).message).toBe(
      'the answer has 2 predictions for 3 rows',
    );
    expect(fails(() => readPredictions({ a: 1 }, 1, auto)).message).toMatch(/not a list/);
    expect(fails(() => readPredictions([0.37], 1, auto)).message).toMatch(/not a class label/);
    expect(fails(() => readPredictions([[0.5, 0.5], [1]], 2, auto)).message).toMatch(
      /row 1 has 1 class probabilities, row 0 has 2/,
    );
    expect(
      fails(() => readPredictions([[0.5, 0.5]], 1, { ...auto, classes: ['a', 'b', 'c'] })).message,
    ).toMatch(/2 class probabilities per row, but 3 classes/);
    expect(fails(() => readPredictions([3], 1, { ...auto, classes: ['a', 'b'] })).message).toMatch(
      /label 3, but only 2 classes/,
    );
  });
});
