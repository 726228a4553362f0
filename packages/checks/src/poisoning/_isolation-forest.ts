/**
 * Isolation forest (Liu, Ting and Zhou, "Isolation Forest", ICDM 2008), written from the paper:
 * each tree isolates a random subsample by random axis-parallel splits; an anomaly is isolated in
 * few splits, so its average path length E[h(x)] is short and its score 2^(−E[h(x)] / c(ψ)) is near
 * 1, while ordinary rows score around 0.5 or below.
 */

const EULER_GAMMA = 0.5772156649015329;

/** Average path length of an unsuccessful search in a binary search tree of n points. */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

interface Tree {
  /** Split feature per node, −1 for a leaf. */
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  /** For leaves: depth + c(size). */
  leafValue: Float64Array;
}

export interface IsolationForest {
  trees: Tree[];
  sampleSize: number;
  d: number;
}

export interface ForestOptions {
  trees: number;
  sampleSize: number;
  random: () => number;
  signal?: AbortSignal;
}

function buildTree(
  x: Float64Array,
  d: number,
  sample: Int32Array,
  maxDepth: number,
  random: () => number,
): Tree {
  const capacity = 2 * sample.length + 1;
  const feature = new Int32Array(capacity).fill(-1);
  const threshold = new Float64Array(capacity);
  const left = new Int32Array(capacity);
  const right = new Int32Array(capacity);
  const leafValue = new Float64Array(capacity);
  let nodes = 0;
  const rows = Int32Array.from(sample);
  // Iterative build over [start, end) ranges of `rows`.
  const stack: [number, number, number, number][] = [[nodes++, 0, rows.length, 0]];
  while (stack.length > 0) {
    const [node, start, end, depth] = stack.pop() as [number, number, number, number];
    const size = end - start;
    if (depth >= maxDepth || size <= 1) {
      leafValue[node] = depth + averagePathLength(size);
      continue;
    }
    // A random feature that is not constant over the node (tried in a random order).
    let chosen = -1;
    let lo = 0;
    let hi = 0;
    const offset = Math.floor(random() * d);
    for (let t = 0; t < d; t++) {
      const j = (offset + t) % d;
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      for (let q = start; q < end; q++) {
        const v = x[(rows[q] as number) * d + j] as number;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      if (max > min) {
        chosen = j;
        lo = min;
        hi = max;
        break;
      }
    }
    if (chosen < 0) {
      leafValue[node] = depth + averagePathLength(size);
      continue;
    }
    const split = lo + random() * (hi - lo);
    let a = start;
    let b = end - 1;
    while (a <= b) {
      if ((x[(rows[a] as number) * d + chosen] as number) < split) a++;
      else {
        const t = rows[a] as number;
        rows[a] = rows[b] as number;
        rows[b] = t;
        b--;
      }
    }
    feature[node] = chosen;
    threshold[node] = split;
    const l = nodes++;
    const r = nodes++;
    left[node] = l;
    right[node] = r;
    stack.push([l, start, a, depth + 1], [r, a, end, depth + 1]);
  }
  return {
    feature: feature.slice(0, nodes),
    threshold: threshold.slice(0, nodes),
    left: left.slice(0, nodes),
    right: right.slice(0, nodes),
    leafValue: leafValue.slice(0, nodes),
  };
}

/** Fits a forest on rows `rows` of the row-major matrix `x` (d columns). */
export function fitIsolationForest(
  x: Float64Array,
  d: number,
  rows: Int32Array,
  options: ForestOptions,
): IsolationForest {
  const psi = Math.min(options.sampleSize, rows.length);
  const maxDepth = Math.ceil(Math.log2(Math.max(2, psi)));
  const trees: Tree[] = [];
  const pool = Int32Array.from(rows);
  for (let t = 0; t < options.trees; t++) {
    options.signal?.throwIfAborted();
    // Partial Fisher–Yates: the first psi entries of the pool become the sample.
    for (let i = 0; i < psi; i++) {
      const j = i + Math.floor(options.random() * (pool.length - i));
      const tmp = pool[i] as number;
      pool[i] = pool[j] as number;
      pool[j] = tmp;
    }
    trees.push(buildTree(x, d, pool.subarray(0, psi), maxDepth, options.random));
  }
  return { trees, sampleSize: psi, d };
}

/** Anomaly score of each of the n rows of `x` (row-major, the forest's d columns). */
export function isolationScores(forest: IsolationForest, x: Float64Array, n: number): Float64Array {
  const { d, trees } = forest;
  const scores = new Float64Array(n);
  const norm = averagePathLength(forest.sampleSize);
  for (let i = 0; i < n; i++) {
    let total = 0;
    const o = i * d;
    for (const tree of trees) {
      let node = 0;
      while ((tree.feature[node] as number) >= 0) {
        node =
          (x[o + (tree.feature[node] as number)] as number) < (tree.threshold[node] as number)
            ? (tree.left[node] as number)
            : (tree.right[node] as number);
      }
      total += tree.leafValue[node] as number;
    }
    scores[i] = norm > 0 ? 2 ** (-(total / trees.length) / norm) : 0.5;
  }
  return scores;
}
