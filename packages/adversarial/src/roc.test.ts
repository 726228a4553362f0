import { describe, expect, it } from 'vitest';
import { rocIntervals, rocSummary } from './roc.js';

describe('rocSummary', () => {
  it('is 1 for separated scores, 0.5 for identical ones, and counts ties half', () => {
    expect(rocSummary([3, 4, 5], [0, 1, 2]).auc).toBe(1);
    expect(rocSummary([1, 1], [1, 1]).auc).toBe(0.5);
    // Pairs: (2>1) (2>1) (1=1 → ½) (1>0) → with positives [2,1], negatives [1,0]: (2,1)=1 (2,0)=1 (1,1)=½ (1,0)=1
    expect(rocSummary([2, 1], [1, 0]).auc).toBeCloseTo(3.5 / 4, 12);
  });

  it('reads TPR at low FPR from thresholds that keep FPR under the limit', () => {
    const negatives = Array.from({ length: 1000 }, (_, i) => i / 1000);
    // 30 positives above every negative, 70 in the middle of them.
    const positives = [
      ...Array.from({ length: 30 }, () => 2),
      ...Array.from({ length: 70 }, () => 0.5),
    ];
    const s = rocSummary(positives, negatives);
    expect(s.tprAt01PctFpr).toBeCloseTo(0.3, 12);
    expect(s.tprAt1PctFpr).toBeCloseTo(0.3, 12);
    // Best threshold keeps all 100 positives and the upper 500 negatives.
    expect(s.advantage).toBeCloseTo(0.5, 12);
  });

  it('gives seeded bootstrap intervals around the estimate', () => {
    const positives = Array.from({ length: 200 }, (_, i) => Math.sin(i) + 0.5);
    const negatives = Array.from({ length: 200 }, (_, i) => Math.cos(i * 1.7));
    const s = rocSummary(positives, negatives);
    const a = rocIntervals(positives, negatives, { rounds: 100, level: 0.95, seed: 3 });
    const b = rocIntervals(positives, negatives, { rounds: 100, level: 0.95, seed: 3 });
    expect(a).toEqual(b);
    expect(a.auc[0]).toBeLessThan(s.auc);
    expect(a.auc[1]).toBeGreaterThan(s.auc);
  });
});
