/**
 * Duplicate and near-duplicate rows that carry different labels. Exact duplicates share every raw
 * feature value; near duplicates fall into the same cell of a grid of side `tolerance` (in
 * standard deviations) over the standardised features, on either of two grids offset by half a
 * cell, so that a pair split by one grid's boundary usually meets in the other.
 */

export interface DuplicateGroup {
  /** Matrix rows of the group. */
  rows: number[];
  /** Distinct labels among them (class codes). */
  labels: number[];
}

export interface ConflictingDuplicates {
  exact: DuplicateGroup[];
  near: DuplicateGroup[];
}

const MIX_A = 0x9e3779b1;
const MIX_B = 0x85ebca77;

/** A 53-bit hash of `values` (two 32-bit FNV/murmur-style lanes). */
function hashRow(words: Int32Array | Uint32Array, from: number, to: number): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let q = from; q < to; q++) {
    const w = words[q] as number;
    h1 = Math.imul(h1 ^ w, MIX_A);
    h1 ^= h1 >>> 15;
    h2 = Math.imul(h2 + w, MIX_B);
    h2 ^= h2 >>> 13;
  }
  return (h1 >>> 0) * 2097152 + ((h2 >>> 0) >>> 11);
}

function find(parent: Int32Array, a: number): number {
  let r = a;
  while ((parent[r] as number) !== r) r = parent[r] as number;
  let c = a;
  while ((parent[c] as number) !== r) {
    const next = parent[c] as number;
    parent[c] = r;
    c = next;
  }
  return r;
}

function distinctLabels(rows: readonly number[], y: Int32Array): number[] {
  return [...new Set(rows.map((r) => y[r] as number))].sort((a, b) => a - b);
}

export function conflictingDuplicates(
  x: Float64Array,
  z: Float64Array,
  y: Int32Array,
  n: number,
  d: number,
  tolerance: number,
): ConflictingDuplicates {
  // Exact: hash the raw values (−0 as 0), then confirm equality against the first row.
  const clean = Float64Array.from(x, (v) => (v === 0 ? 0 : v));
  const words = new Uint32Array(clean.buffer);
  const byHash = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const key = hashRow(words, i * d * 2, (i + 1) * d * 2);
    const list = byHash.get(key);
    if (list === undefined) byHash.set(key, [i]);
    else list.push(i);
  }
  const exact: DuplicateGroup[] = [];
  const exactRow = new Uint8Array(n);
  for (const list of byHash.values()) {
    if (list.length < 2) continue;
    const first = list[0] as number;
    const same = list.filter((r) => {
      for (let j = 0; j < d; j++) if (clean[r * d + j] !== clean[first * d + j]) return false;
      return true;
    });
    if (same.length < 2) continue;
    const labels = distinctLabels(same, y);
    if (labels.length < 2) continue;
    for (const r of same) exactRow[r] = 1;
    exact.push({ rows: same, labels });
  }

  // Near: union rows that share a cell on either grid.
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const cells = new Int32Array(d);
  if (tolerance > 0) {
    for (const offset of [0, 0.5]) {
      const seen = new Map<number, number>();
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < d; j++)
          cells[j] = Math.floor((z[i * d + j] as number) / tolerance + offset);
        const key = hashRow(cells, 0, d);
        const other = seen.get(key);
        if (other === undefined) seen.set(key, i);
        else {
          const a = find(parent, i);
          const b = find(parent, other);
          if (a !== b) parent[a] = b;
        }
      }
    }
  }
  const components = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const r = find(parent, i);
    const list = components.get(r);
    if (list === undefined) components.set(r, [i]);
    else list.push(i);
  }
  const near: DuplicateGroup[] = [];
  for (const rows of components.values()) {
    if (rows.length < 2) continue;
    const labels = distinctLabels(rows, y);
    if (labels.length < 2) continue;
    // A group made only of exact duplicates is already reported as such.
    if (rows.every((r) => exactRow[r] === 1)) continue;
    near.push({ rows, labels });
  }
  return { exact, near };
}
