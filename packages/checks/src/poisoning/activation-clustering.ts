import { createRandom } from '../stats/_random.js';
import type { FeatureMatrix } from './_feature-matrix.js';
import { kMeans, squaredDistance } from './_kmeans.js';
import { meanCovariance } from './_linear-algebra.js';
import { principalSubspace } from './_principal-subspace.js';
import { sampleIndices } from './_sampling.js';

/**
 * Activation clustering (Chen et al., "Detecting Backdoor Attacks on Deep Neural Networks by
 * Activation Clustering", 2018), with the semantics of ART's `ActivationDefence`: per class, the
 * representations are reduced by PCA to `dims` dimensions (only when wider), split by k-means
 * (k-means++ seeding), and a cluster is called poisoned by its relative size. Written from the
 * paper and ART's documented behaviour.
 */

/**
 * How a cluster is judged poisoned:
 * - `relative-size` (ART's `relative-size`): its share of the class, rounded to two decimals, is
 *   below `sizeThreshold`;
 * - `silhouette` (ART's `silhouette-scores`): as `relative-size`, and the mean silhouette of the
 *   class's clustering is above `silhouetteThreshold` (the split is real, not an artefact);
 * - `smaller` (ART's default `smaller`): the smallest cluster of every class, whatever its size.
 */
export type ClusterAnalysis = 'relative-size' | 'silhouette' | 'smaller';

export interface ActivationClusteringOptions {
  /** PCA dimensions (ART: `nb_dims`, 10); wider representations are reduced, narrower kept. */
  dims?: number;
  /** Clusters per class (ART: `nb_clusters`, 2). */
  clusters?: number;
  method?: ClusterAnalysis;
  /** ART's `size_threshold` (0.35). */
  sizeThreshold?: number;
  /** ART's `silhouette_threshold` (0.1); used by `silhouette`. */
  silhouetteThreshold?: number;
  /** Fewest rows a flagged cluster must hold (5; ART has no such floor, i.e. 1). */
  minClusterRows?: number;
  /** Seeded k-means++ starts; the lowest inertia is kept. */
  restarts?: number;
  /** Rows (a seeded sample) the silhouette is computed on. */
  silhouetteSample?: number;
  seed?: number;
  signal?: AbortSignal;
  /** Called after each class with the classes done and their total. */
  onProgress?: (done: number, total: number) => void;
}

export interface ClassClusters {
  label: string;
  /** Rows of the class analysed (finite representations). */
  rows: number;
  /** Rows per cluster, largest first; empty when the class was not analysed. */
  clusterSizes: number[];
  /** Mean silhouette of the clustering (on a sample), or null when not analysed. */
  silhouette: number | null;
  flagged: boolean;
  /** Why the class was not analysed (too few rows, constant representations). */
  skipped?: string;
  /** Matrix rows in the clusters judged poisoned, highest score first. */
  suspicious: number[];
  /**
   * Score of each suspicious row, in the same order: (b − a) / max(a, b), with a the distance to
   * its own cluster's centre and b to the nearest other centre (1 = far from the other clusters).
   */
  scores: number[];
}

export interface ActivationClusteringResult {
  classes: ClassClusters[];
  /** Matrix rows left out because a representation value is NaN or infinite. */
  nonFinite: number[];
  /** Dimensions clustered (after PCA). */
  dims: number;
}

/** Mean silhouette of `assignment` over a sample of the points (Euclidean). */
function meanSilhouette(
  z: Float64Array,
  d: number,
  k: number,
  assignment: Int32Array,
  sample: Int32Array,
): number {
  const counts = new Float64Array(k);
  for (const i of sample)
    counts[assignment[i] as number] = (counts[assignment[i] as number] as number) + 1;
  const sums = new Float64Array(k);
  let total = 0;
  for (const i of sample) {
    sums.fill(0);
    for (const t of sample) {
      if (t === i) continue;
      const s = squaredDistance(z, i * d, z, t * d, d);
      const c = assignment[t] as number;
      sums[c] = (sums[c] as number) + Math.sqrt(s);
    }
    const own = assignment[i] as number;
    // A point alone in its cluster (within the sample) has silhouette 0, as in scikit-learn.
    if ((counts[own] as number) <= 1) continue;
    const a = (sums[own] as number) / ((counts[own] as number) - 1);
    let b = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++) {
      if (c === own || counts[c] === 0) continue;
      b = Math.min(b, (sums[c] as number) / (counts[c] as number));
    }
    if (Number.isFinite(b)) total += Math.max(a, b) > 0 ? (b - a) / Math.max(a, b) : 0;
  }
  return sample.length === 0 ? 0 : total / sample.length;
}

/** Per class: reduce, cluster and judge the representations `matrix.x` (activations, embeddings). */
export function activationClustering(
  matrix: FeatureMatrix,
  options: ActivationClusteringOptions = {},
): ActivationClusteringResult {
  const { d: e, x, n } = matrix;
  const y = matrix.y;
  const classNames = matrix.classes;
  if (y === undefined || classNames === undefined)
    throw new TypeError('activationClustering needs labels');
  const dims = options.dims ?? 10;
  const k = options.clusters ?? 2;
  const method = options.method ?? 'relative-size';
  const sizeThreshold = options.sizeThreshold ?? 0.35;
  const silhouetteThreshold = options.silhouetteThreshold ?? 0.1;
  const minClusterRows = options.minClusterRows ?? 5;
  const restarts = options.restarts ?? 10;
  const silhouetteSample = options.silhouetteSample ?? 2000;
  if (!(Number.isInteger(dims) && dims >= 1)) throw new RangeError(`dims must be ≥ 1, got ${dims}`);
  if (!(Number.isInteger(k) && k >= 2)) throw new RangeError(`clusters must be ≥ 2, got ${k}`);
  const random = createRandom(options.seed ?? 0);
  const nonFinite: number[] = [];
  const byClass: number[][] = classNames.map(() => []);
  for (let i = 0; i < n; i++) {
    let finite = true;
    for (let j = 0; j < e && finite; j++) finite = Number.isFinite(x[i * e + j] as number);
    if (finite) (byClass[y[i] as number] as number[]).push(i);
    else nonFinite.push(i);
  }
  const width = Math.min(dims, e);
  const classes: ClassClusters[] = [];
  classNames.forEach((label, c) => {
    options.signal?.throwIfAborted();
    if (c > 0) options.onProgress?.(c, classNames.length);
    const rows = byClass[c] as number[];
    const m = rows.length;
    const base = { label, rows: m, silhouette: null, flagged: false, suspicious: [], scores: [] };
    if (m < Math.max(k, 2)) {
      classes.push({ ...base, clusterSizes: [], skipped: `fewer than ${Math.max(k, 2)} rows` });
      return;
    }
    const { mean, cov } = meanCovariance(x, e, rows);
    let variance = 0;
    for (let j = 0; j < e; j++) variance += cov[j * e + j] as number;
    const scale = mean.reduce((a, v) => Math.max(a, Math.abs(v)), 1);
    if (!(variance > (1e-12 * scale) ** 2)) {
      classes.push({ ...base, clusterSizes: [], skipped: 'the representations are constant' });
      return;
    }
    // Centred (and, when wider than `dims`, PCA-projected) representations of the class.
    const z = new Float64Array(m * width);
    if (e > dims) {
      const basis = principalSubspace(cov, e, dims, random);
      rows.forEach((i, t) => {
        for (let u = 0; u < dims; u++) {
          let s = 0;
          for (let j = 0; j < e; j++)
            s += ((x[i * e + j] as number) - (mean[j] as number)) * (basis[u * e + j] as number);
          z[t * width + u] = s;
        }
      });
    } else {
      rows.forEach((i, t) => {
        for (let j = 0; j < e; j++)
          z[t * width + j] = (x[i * e + j] as number) - (mean[j] as number);
      });
    }
    const clustering = kMeans(z, m, width, k, random, restarts);
    const silhouette = meanSilhouette(
      z,
      width,
      k,
      clustering.assignment,
      sampleIndices(m, silhouetteSample, random),
    );
    const poisoned = new Uint8Array(k);
    if (method === 'smaller') poisoned[k - 1] = 1;
    else {
      const cohesive = method !== 'silhouette' || silhouette > silhouetteThreshold;
      clustering.sizes.forEach((size, cluster) => {
        const share = Math.round((size / m) * 100) / 100;
        if (cohesive && share < sizeThreshold) poisoned[cluster] = 1;
      });
    }
    clustering.sizes.forEach((size, cluster) => {
      if (size < minClusterRows) poisoned[cluster] = 0;
    });
    const scored: { row: number; score: number }[] = [];
    rows.forEach((i, t) => {
      const own = clustering.assignment[t] as number;
      if (poisoned[own] !== 1) return;
      const a = Math.sqrt(squaredDistance(z, t * width, clustering.centres, own * width, width));
      let b = Number.POSITIVE_INFINITY;
      for (let other = 0; other < k; other++) {
        if (other === own) continue;
        b = Math.min(
          b,
          Math.sqrt(squaredDistance(z, t * width, clustering.centres, other * width, width)),
        );
      }
      scored.push({ row: i, score: Math.max(a, b) > 0 ? (b - a) / Math.max(a, b) : 0 });
    });
    scored.sort((p, q) => q.score - p.score || p.row - q.row);
    classes.push({
      label,
      rows: m,
      clusterSizes: clustering.sizes,
      silhouette,
      flagged: scored.length > 0,
      suspicious: scored.map((s) => s.row),
      scores: scored.map((s) => s.score),
    });
  });
  options.onProgress?.(classNames.length, classNames.length);
  return { classes, nonFinite, dims: width };
}
