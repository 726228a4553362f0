/**
 * Confident learning (Northcutt, Jiang and Chuang, "Confident Learning: Estimating Uncertainty in
 * Dataset Labels", JAIR 2021), written from the paper: per-class thresholds are the mean predicted
 * probability of the class over rows labelled with it; a row is confidently of class j when its
 * probability of j reaches j's threshold (the largest such j wins); rows whose confident class is
 * not their label are label issues. The confident joint, calibrated to the label counts, gives
 * the noise rate of each class.
 */

export interface ConfidentLearning {
  /** Per-class thresholds t_j. */
  thresholds: Float64Array;
  /** K × K counts: given label (row) × confident class (column), calibrated to sum to n. */
  joint: Float64Array;
  /** Estimated share of wrong labels among rows labelled with each class. */
  noiseRate: Float64Array;
  /** Rows whose confident class differs from their label. */
  issues: Int32Array;
  /** Confident class of every row, −1 when no class reached its threshold. */
  confidentClass: Int32Array;
}

/** `p` holds n × K out-of-sample class probabilities; `y` the given labels. */
export function confidentLearning(
  p: Float64Array,
  y: Int32Array,
  n: number,
  K: number,
): ConfidentLearning {
  const sums = new Float64Array(K);
  const counts = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    const label = y[i] as number;
    sums[label] = (sums[label] as number) + (p[i * K + label] as number);
    counts[label] = (counts[label] as number) + 1;
  }
  const thresholds = new Float64Array(K);
  for (let j = 0; j < K; j++) {
    thresholds[j] = (counts[j] as number) > 0 ? (sums[j] as number) / (counts[j] as number) : 1;
  }
  const raw = new Float64Array(K * K);
  const confidentClass = new Int32Array(n).fill(-1);
  const issues: number[] = [];
  for (let i = 0; i < n; i++) {
    let best = -1;
    let bestP = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < K; j++) {
      const v = p[i * K + j] as number;
      if (v >= (thresholds[j] as number) && v > bestP) {
        best = j;
        bestP = v;
      }
    }
    if (best < 0) continue;
    confidentClass[i] = best;
    const label = y[i] as number;
    raw[label * K + best] = (raw[label * K + best] as number) + 1;
    if (best !== label) issues.push(i);
  }
  // Calibrate each row of the joint to the number of rows with that label, then to total n.
  const joint = new Float64Array(K * K);
  let total = 0;
  for (let i = 0; i < K; i++) {
    let rowSum = 0;
    for (let j = 0; j < K; j++) rowSum += raw[i * K + j] as number;
    if (rowSum === 0) continue;
    for (let j = 0; j < K; j++) {
      const v = ((raw[i * K + j] as number) / rowSum) * (counts[i] as number);
      joint[i * K + j] = v;
      total += v;
    }
  }
  if (total > 0) for (let q = 0; q < K * K; q++) joint[q] = ((joint[q] as number) / total) * n;
  const noiseRate = new Float64Array(K);
  for (let i = 0; i < K; i++) {
    let rowSum = 0;
    for (let j = 0; j < K; j++) rowSum += joint[i * K + j] as number;
    noiseRate[i] = rowSum > 0 ? 1 - (joint[i * K + i] as number) / rowSum : 0;
  }
  return { thresholds, joint, noiseRate, issues: Int32Array.from(issues), confidentClass };
}
