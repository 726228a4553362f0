import { describe, expect, it } from 'vitest';
import { confidentLearning } from './_confident-learning.js';

describe('confidentLearning', () => {
  it('computes thresholds, the calibrated joint, noise rates and issues by hand', () => {
    // Six rows, two classes. Labels 0,0,0,1,1,1.
    const p = Float64Array.from([
      0.9,
      0.1, // label 0, confidently 0
      0.8,
      0.2, // label 0, confidently 0
      0.2,
      0.8, // label 0, confidently 1: an issue
      0.1,
      0.9, // label 1, confidently 1
      0.3,
      0.7, // label 1, below t1, p0 0.3 < t0: no confident class
      0.4,
      0.6, // label 1, below t1 (0.733…), p0 0.4 < t0 (0.633…): none
    ]);
    const y = Int32Array.from([0, 0, 0, 1, 1, 1]);
    const cl = confidentLearning(p, y, 6, 2);
    expect(cl.thresholds[0]).toBeCloseTo((0.9 + 0.8 + 0.2) / 3, 12);
    expect(cl.thresholds[1]).toBeCloseTo((0.9 + 0.7 + 0.6) / 3, 12);
    expect([...cl.confidentClass]).toEqual([0, 0, 1, 1, -1, -1]);
    expect([...cl.issues]).toEqual([2]);
    // Raw joint [[2, 1], [0, 1]]; rows calibrated to 3 labels each: [[2, 1], [0, 3]]; total 6.
    expect([...cl.joint]).toEqual([2, 1, 0, 3]);
    expect(cl.noiseRate[0]).toBeCloseTo(1 / 3, 12);
    expect(cl.noiseRate[1]).toBe(0);
  });
});
