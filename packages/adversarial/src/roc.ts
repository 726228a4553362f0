import { createRandom } from './_random.js';

/** How well a score separates positives from negatives. */
export interface RocSummary {
  /** Area under the ROC curve (ties count half). */
  auc: number;
  /** Highest true-positive rate at a false-positive rate of at most 1%. */
  tprAt1PctFpr: number;
  /** Highest true-positive rate at a false-positive rate of at most 0.1%. */
  tprAt01PctFpr: number;
  /** Largest TPR − FPR over thresholds (membership advantage). */
  advantage: number;
}

/** ROC summary of scores where higher means "positive". */
export function rocSummary(positives: ArrayLike<number>, negatives: ArrayLike<number>): RocSummary {
  const p = positives.length;
  const q = negatives.length;
  if (p === 0 || q === 0)
    return {
      auc: Number.NaN,
      tprAt1PctFpr: Number.NaN,
      tprAt01PctFpr: Number.NaN,
      advantage: Number.NaN,
    };
  const all = new Float64Array(p + q);
  const isPositive = new Uint8Array(p + q);
  for (let i = 0; i < p; i++) {
    all[i] = positives[i] as number;
    isPositive[i] = 1;
  }
  for (let i = 0; i < q; i++) all[p + i] = negatives[i] as number;
  const order = Array.from({ length: p + q }, (_, i) => i).sort(
    (a, b) => (all[b] as number) - (all[a] as number),
  );
  let tp = 0;
  let fp = 0;
  let area = 0;
  let at1 = 0;
  let at01 = 0;
  let advantage = 0;
  for (let k = 0; k < order.length; ) {
    // One threshold per distinct score.
    const score = all[order[k] as number] as number;
    let groupTp = 0;
    let groupFp = 0;
    while (k < order.length && all[order[k] as number] === score) {
      if (isPositive[order[k] as number]) groupTp++;
      else groupFp++;
      k++;
    }
    area += groupFp * (tp + groupTp / 2);
    tp += groupTp;
    fp += groupFp;
    const tpr = tp / p;
    const fpr = fp / q;
    if (fpr <= 0.01) at1 = Math.max(at1, tpr);
    if (fpr <= 0.001) at01 = Math.max(at01, tpr);
    advantage = Math.max(advantage, tpr - fpr);
  }
  return { auc: area / (p * q), tprAt1PctFpr: at1, tprAt01PctFpr: at01, advantage };
}

export interface RocIntervals {
  auc: [number, number];
  tprAt1PctFpr: [number, number];
  tprAt01PctFpr: [number, number];
}

function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (at - lo);
}

/**
 * Percentile bootstrap intervals of the ROC summary: both groups resampled with replacement
 * `rounds` times with a seeded generator.
 */
export function rocIntervals(
  positives: ArrayLike<number>,
  negatives: ArrayLike<number>,
  options: { rounds: number; level: number; seed: number },
): RocIntervals {
  const random = createRandom(options.seed);
  const aucs = new Float64Array(options.rounds);
  const at1 = new Float64Array(options.rounds);
  const at01 = new Float64Array(options.rounds);
  const p = new Float64Array(positives.length);
  const q = new Float64Array(negatives.length);
  for (let r = 0; r < options.rounds; r++) {
    for (let i = 0; i < p.length; i++) p[i] = positives[random.int(p.length)] as number;
    for (let i = 0; i < q.length; i++) q[i] = negatives[random.int(q.length)] as number;
    const s = rocSummary(p, q);
    aucs[r] = s.auc;
    at1[r] = s.tprAt1PctFpr;
    at01[r] = s.tprAt01PctFpr;
  }
  const tail = (1 - options.level) / 2;
  const interval = (values: Float64Array): [number, number] => {
    values.sort();
    return [percentile(values, tail), percentile(values, 1 - tail)];
  };
  return { auc: interval(aucs), tprAt1PctFpr: interval(at1), tprAt01PctFpr: interval(at01) };
}
