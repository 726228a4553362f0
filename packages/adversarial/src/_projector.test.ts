import { describe, expect, it } from 'vitest';
import { createProjector } from './_projector.js';
import { resolveConstraints } from './tabular-constraints.js';

describe('tabular constraints', () => {
  const features = ['age', 'income', 'children', 'red', 'green', 'blue'];
  const constraints = resolveConstraints(
    {
      bounds: { income: [0, 10] },
      defaultBounds: [0, 100],
      immutable: ['age'],
      integer: ['children'],
      oneHot: [['red', 'green', 'blue']],
    },
    features,
  );

  it('keeps immutable, integer and one-hot features valid and inside the ball', () => {
    const p = createProjector(constraints, 6);
    const x0 = Float32Array.from([40, 5, 2, 1, 0, 0]);
    // L∞ ball of 0.6: a category switch (change of 1) is not allowed; children may move by one
    // only if rounding does not take it further than the continuous value.
    const x = Float32Array.from([40.5, 10.6, 2.6, 0.7, 0.9, 0.1]);
    p.finish(x, x0, 1, 0.6, 'inf');
    expect(Array.from(x)).toEqual([40, 10, 2, 1, 0, 0]);
    // With a ball of 1.5 the category may switch and the integer may round up.
    const y = Float32Array.from([39, 4, 3.4, 0.2, 0.9, 0.1]);
    p.finish(y, x0, 1, 1.5, 'inf');
    expect(Array.from(y)).toEqual([40, 4, 3, 0, 1, 0]);
  });

  it('masks immutable features and clips to per-feature bounds', () => {
    const p = createProjector(constraints, 6);
    expect(Array.from(p.mask ?? [])).toEqual([0, 1, 1, 1, 1, 1]);
    const x = Float32Array.from([-5, 12, 200, 0, 0, 1]);
    p.clip(x, 1);
    expect(Array.from(x)).toEqual([0, 10, 100, 0, 0, 1]);
  });

  it('names unknown features in its error', () => {
    expect(() => resolveConstraints({ immutable: ['height'] }, features)).toThrow(
      /unknown feature "height"/,
    );
  });
});
