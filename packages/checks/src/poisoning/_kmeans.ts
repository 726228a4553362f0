/**
 * Seeded k-means (Lloyd's iterations from greedy k-means++ seeding, several restarts, the lowest
 * inertia kept) on m points of dimension d stored row-major.
 */

export interface KMeansResult {
  /** Cluster of each point; clusters are numbered by decreasing size (ties: first point first). */
  assignment: Int32Array;
  /** k × d centres, in the same numbering. */
  centres: Float64Array;
  sizes: number[];
  inertia: number;
}

/** Squared Euclidean distance between x[a, a + d) and c[b, b + d). */
export const squaredDistance = (
  x: Float64Array,
  a: number,
  c: Float64Array,
  b: number,
  d: number,
): number => {
  let s = 0;
  for (let j = 0; j < d; j++) {
    const t = (x[a + j] as number) - (c[b + j] as number);
    s += t * t;
  }
  return s;
};

/** Greedy k-means++: each new centre is the best of 2 + ⌊ln k⌋ candidates drawn ∝ D². */
function seedCentres(x: Float64Array, m: number, d: number, k: number, random: () => number) {
  const centres = new Float64Array(k * d);
  const first = Math.floor(random() * m);
  centres.set(x.subarray(first * d, first * d + d), 0);
  const closest = new Float64Array(m);
  let total = 0;
  for (let i = 0; i < m; i++) {
    closest[i] = squaredDistance(x, i * d, centres, 0, d);
    total += closest[i] as number;
  }
  const trials = 2 + Math.floor(Math.log(k));
  const candidate = new Float64Array(m);
  const best = new Float64Array(m);
  for (let c = 1; c < k; c++) {
    let bestPoint = -1;
    let bestTotal = Number.POSITIVE_INFINITY;
    for (let trial = 0; trial < trials; trial++) {
      let point = m - 1;
      if (total > 0) {
        let target = random() * total;
        for (let i = 0; i < m; i++) {
          target -= closest[i] as number;
          if (target < 0) {
            point = i;
            break;
          }
        }
      } else point = Math.floor(random() * m);
      let sum = 0;
      for (let i = 0; i < m; i++) {
        const v = Math.min(closest[i] as number, squaredDistance(x, i * d, x, point * d, d));
        candidate[i] = v;
        sum += v;
      }
      if (sum < bestTotal) {
        bestTotal = sum;
        bestPoint = point;
        best.set(candidate);
      }
    }
    centres.set(x.subarray(bestPoint * d, bestPoint * d + d), c * d);
    closest.set(best);
    total = bestTotal;
  }
  return centres;
}

function lloyd(
  x: Float64Array,
  m: number,
  d: number,
  k: number,
  centres: Float64Array,
  maxIterations: number,
) {
  const assignment = new Int32Array(m).fill(-1);
  const sizes = new Int32Array(k);
  let inertia = 0;
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    let changed = 0;
    inertia = 0;
    for (let i = 0; i < m; i++) {
      let nearest = 0;
      let distance = Number.POSITIVE_INFINITY;
      for (let c = 0; c < k; c++) {
        const s = squaredDistance(x, i * d, centres, c * d, d);
        if (s < distance) {
          distance = s;
          nearest = c;
        }
      }
      inertia += distance;
      if (assignment[i] !== nearest) {
        assignment[i] = nearest;
        changed++;
      }
    }
    if (changed === 0 && iteration > 0) break;
    centres.fill(0);
    sizes.fill(0);
    for (let i = 0; i < m; i++) {
      const c = assignment[i] as number;
      sizes[c] = (sizes[c] as number) + 1;
      for (let j = 0; j < d; j++)
        centres[c * d + j] = (centres[c * d + j] as number) + (x[i * d + j] as number);
    }
    for (let c = 0; c < k; c++) {
      const size = sizes[c] as number;
      if (size > 0) {
        for (let j = 0; j < d; j++) centres[c * d + j] = (centres[c * d + j] as number) / size;
        continue;
      }
      // An empty cluster takes the point farthest from its centre.
      let far = 0;
      let farDistance = -1;
      for (let i = 0; i < m; i++) {
        const s = squaredDistance(x, i * d, centres, (assignment[i] as number) * d, d);
        if (s > farDistance) {
          farDistance = s;
          far = i;
        }
      }
      centres.set(x.subarray(far * d, far * d + d), c * d);
    }
  }
  return { assignment, inertia };
}

/** k-means with `restarts` seeded k-means++ starts; needs m ≥ k. */
export function kMeans(
  x: Float64Array,
  m: number,
  d: number,
  k: number,
  random: () => number,
  restarts = 10,
  maxIterations = 300,
): KMeansResult {
  if (m < k) throw new RangeError(`kMeans: ${m} points cannot form ${k} clusters`);
  let best: { assignment: Int32Array; centres: Float64Array; inertia: number } | undefined;
  for (let r = 0; r < restarts; r++) {
    const centres = seedCentres(x, m, d, k, random);
    const run = lloyd(x, m, d, k, centres, maxIterations);
    if (best === undefined || run.inertia < best.inertia) best = { ...run, centres };
  }
  const { assignment, centres, inertia } = best as NonNullable<typeof best>;
  // Renumber clusters by decreasing size so that the result does not depend on seeding order.
  const counts = new Array<number>(k).fill(0);
  const firstSeen = new Array<number>(k).fill(m);
  for (let i = 0; i < m; i++) {
    const c = assignment[i] as number;
    counts[c] = (counts[c] as number) + 1;
    if ((firstSeen[c] as number) > i) firstSeen[c] = i;
  }
  const order = counts
    .map((_, c) => c)
    .sort(
      (a, b) =>
        (counts[b] as number) - (counts[a] as number) ||
        (firstSeen[a] as number) - (firstSeen[b] as number),
    );
  const rename = new Int32Array(k);
  order.forEach((c, t) => {
    rename[c] = t;
  });
  const renamed = new Float64Array(k * d);
  order.forEach((c, t) => {
    renamed.set(centres.subarray(c * d, c * d + d), t * d);
  });
  return {
    assignment: Int32Array.from(assignment, (c) => rename[c] as number),
    centres: renamed,
    sizes: order.map((c) => counts[c] as number),
    inertia,
  };
}
