import { createRandom } from '../stats/_random.js';
import { confidentLearning } from './_confident-learning.js';
import { conflictingDuplicates, type DuplicateGroup } from './_conflicting-duplicates.js';
import { type FeatureMatrix, standardize } from './_feature-matrix.js';
import { nearestNeighbours } from './_nearest-neighbours.js';
import { sampleIndices, shuffled } from './_sampling.js';
import { fitSoftmax, softmaxRow } from './_softmax-regression.js';

export interface LabelIssueOptions {
  /** Folds of the out-of-fold logistic regression (stratified, seeded). */
  folds?: number;
  /** Inverse L2 strength, as scikit-learn's `C`. */
  C?: number;
  maxIterations?: number;
  /** Neighbours per row for the neighbourhood vote; 0 turns it off. */
  neighbours?: number;
  /** Rows (a seeded sample) the neighbours are searched among. */
  knnReference?: number;
  /** Weight of the regression in the blended probabilities (the rest goes to the neighbours). */
  modelWeight?: number;
  /** Side of the near-duplicate grid in standard deviations; 0 turns near duplicates off. */
  nearDuplicateTolerance?: number;
  seed?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, label: string) => void;
}

export interface LabelIssues {
  classes: string[];
  n: number;
  /** Blended out-of-sample probabilities, n × K. */
  probabilities: Float64Array;
  /** 1 − probability of the given label, per row. */
  scores: Float64Array;
  /** Matrix rows flagged by confident learning, highest score first. */
  issues: Int32Array;
  /** Confident class of each flagged row (same order as `issues`). */
  suggested: Int32Array;
  /** Estimated share of wrong labels per class, and over all rows. */
  noiseRate: Float64Array;
  overallNoiseRate: number;
  /** Calibrated confident joint (given × confident class), K × K. */
  joint: Float64Array;
  /** Accuracy of the out-of-fold regression and of the neighbour vote on the given labels. */
  modelAccuracy: number;
  neighbourAccuracy: number | null;
  duplicates: { exact: DuplicateGroup[]; near: DuplicateGroup[] };
}

/**
 * The L2 strength that makes the softmax fit equal scikit-learn's LogisticRegression(C): C·Σloss +
 * ½‖W‖² scaled to a mean loss. With two classes scikit-learn fits one sigmoid vector w; the
 * softmax's two vectors settle at ±w/2, so their penalty is half of ‖w‖² and needs twice the weight.
 */
export function l2For(K: number, C: number, rows: number): number {
  return (K === 2 ? 2 : 1) / (C * Math.max(1, rows));
}

/** Stratified fold of each row: each class's rows are shuffled and dealt round-robin. */
function stratifiedFolds(
  y: Int32Array,
  K: number,
  folds: number,
  random: () => number,
): Int32Array {
  const fold = new Int32Array(y.length);
  const byClass: number[][] = Array.from({ length: K }, () => []);
  y.forEach((c, i) => {
    (byClass[c] as number[]).push(i);
  });
  let start = 0;
  for (const rows of byClass) {
    const order = shuffled(rows, random);
    order.forEach((row, t) => {
      fold[row] = (start + t) % folds;
    });
    start += rows.length;
  }
  return fold;
}

/**
 * Finds rows whose label disagrees with what the rest of the data says about them: out-of-fold
 * probabilities of a multinomial logistic regression blended with a k-nearest-neighbour vote,
 * then confident learning over the blend; plus duplicate and near-duplicate rows with
 * conflicting labels. Needs `matrix.y`.
 */
export function findLabelIssues(
  matrix: FeatureMatrix,
  options: LabelIssueOptions = {},
): LabelIssues {
  const { n, d } = matrix;
  const y = matrix.y;
  const classes = matrix.classes;
  if (y === undefined || classes === undefined) throw new TypeError('findLabelIssues needs labels');
  const K = classes.length;
  const folds = Math.max(2, Math.min(options.folds ?? 5, n));
  const seed = options.seed ?? 0;
  const random = createRandom(seed);
  const progress = options.onProgress ?? (() => undefined);
  const { z } = standardize(matrix);

  // Out-of-fold regression probabilities.
  const pModel = new Float64Array(n * K);
  const fold = stratifiedFolds(y, K, folds, random);
  const row = new Float64Array(K);
  for (let f = 0; f < folds; f++) {
    progress(f, folds, 'out-of-fold regression');
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < n; i++) (fold[i] === f ? test : train).push(i);
    const trainRows = Int32Array.from(train);
    const w = fitSoftmax(z, y, trainRows, d, K, {
      l2: l2For(K, options.C ?? 1, train.length),
      maxIterations: options.maxIterations ?? 100,
      tolerance: 1e-6,
      ...(options.signal && { signal: options.signal }),
    });
    for (const i of test) {
      softmaxRow(w, z, i, d, K, row);
      pModel.set(row, i * K);
    }
  }

  // Neighbour vote among a seeded sample, with add-one smoothing towards the class priors.
  const k = options.neighbours ?? 10;
  const prior = new Float64Array(K);
  for (let i = 0; i < n; i++) prior[y[i] as number] = (prior[y[i] as number] as number) + 1 / n;
  let pKnn: Float64Array | undefined;
  if (k > 0 && n > 1) {
    const reference = sampleIndices(n, Math.min(n, options.knnReference ?? 2000), random);
    const nn = nearestNeighbours(z, n, d, reference, k, {
      ...(options.signal && { signal: options.signal }),
      onProgress: (done) => progress(done, n, 'nearest neighbours'),
    });
    pKnn = new Float64Array(n * K);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < K; c++) pKnn[i * K + c] = (prior[c] as number) / (nn.k + 1);
      for (let t = 0; t < nn.k; t++) {
        const nb = nn.index[i * nn.k + t] as number;
        const at = i * K + (y[nb] as number);
        pKnn[at] = (pKnn[at] as number) + 1 / (nn.k + 1);
      }
    }
  }
  const weight = pKnn === undefined ? 1 : (options.modelWeight ?? 0.5);
  const probabilities = new Float64Array(n * K);
  for (let q = 0; q < n * K; q++) {
    probabilities[q] = weight * (pModel[q] as number) + (1 - weight) * (pKnn?.[q] ?? 0);
  }
  const argmaxHits = (p: Float64Array) => {
    let hits = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < K; c++)
        if ((p[i * K + c] as number) > (p[i * K + best] as number)) best = c;
      if (best === y[i]) hits++;
    }
    return hits / n;
  };

  const cl = confidentLearning(probabilities, y, n, K);
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) scores[i] = 1 - (probabilities[i * K + (y[i] as number)] as number);
  const issues = Int32Array.from(cl.issues).sort(
    (a, b) => (scores[b] as number) - (scores[a] as number) || a - b,
  );
  const suggested = Int32Array.from(issues, (i) => cl.confidentClass[i] as number);
  let wrong = 0;
  for (let c = 0; c < K; c++) {
    for (let j = 0; j < K; j++) if (j !== c) wrong += cl.joint[c * K + j] as number;
  }
  progress(folds, folds, 'duplicates');
  const duplicates = conflictingDuplicates(
    matrix.x,
    z,
    y,
    n,
    d,
    options.nearDuplicateTolerance ?? 0.01,
  );
  return {
    classes,
    n,
    probabilities,
    scores,
    issues,
    suggested,
    noiseRate: cl.noiseRate,
    overallNoiseRate: n > 0 ? wrong / n : 0,
    joint: cl.joint,
    modelAccuracy: argmaxHits(pModel),
    neighbourAccuracy: pKnn === undefined ? null : argmaxHits(pKnn),
    duplicates,
  };
}
