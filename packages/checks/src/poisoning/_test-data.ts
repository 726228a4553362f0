import { datasetFromTable } from '@mlwarden/core';
import { Dictionary, Int32, makeVector, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { createRandom } from '../stats/_random.js';
import type { FeatureMatrix } from './_feature-matrix.js';

/** Test and evaluation helper: seeded data with known, planted poison. */

export function gaussian(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

export interface Blobs {
  /** Column-major feature values. */
  columns: Float64Array[];
  labels: Int32Array;
  n: number;
}

/** `classes` Gaussian blobs in `d` dimensions; the first `informative` features carry the class. */
export function blobs(
  n: number,
  d: number,
  classes: number,
  seed: number,
  separation = 1.6,
  informative = 5,
): Blobs {
  const random = createRandom(seed);
  const normal = gaussian(random);
  const columns = Array.from({ length: d }, () => new Float64Array(n));
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(random() * classes);
    labels[i] = c;
    for (let j = 0; j < d; j++) {
      const centre = j < informative ? separation * Math.cos((2 * Math.PI * c) / classes + j) : 0;
      (columns[j] as Float64Array)[i] = centre + normal();
    }
  }
  return { columns, labels, n };
}

/** Flips the labels of `share` of the rows to another class; returns the flipped rows. */
export function flipLabels(
  labels: Int32Array,
  classes: number,
  share: number,
  seed: number,
): Set<number> {
  const random = createRandom(seed);
  const n = labels.length;
  const flipped = new Set<number>();
  const target = Math.round(share * n);
  while (flipped.size < target) {
    const i = Math.floor(random() * n);
    if (flipped.has(i)) continue;
    flipped.add(i);
    const shift = 1 + Math.floor(random() * (classes - 1));
    labels[i] = ((labels[i] as number) + shift) % classes;
  }
  return flipped;
}

/** A table of numeric feature columns f0…, a label column and optional extra columns. */
export function blobTable(
  data: Blobs,
  extra: Record<string, ReturnType<typeof makeVector>> = {},
): Table {
  const columns: Record<string, ReturnType<typeof makeVector>> = {};
  data.columns.forEach((values, j) => {
    columns[`f${j}`] = makeVector(values);
  });
  return new Table({ ...columns, ...extra, label: makeVector(Int32Array.from(data.labels)) });
}

export const categories = (values: string[]) =>
  vectorFromArray(values, new Dictionary(new Utf8(), new Int32()));

export const asDataset = (table: Table, source = 'memory://train') =>
  datasetFromTable(table, { source });

/** A feature matrix over rows 0…n−1 of row-major values `x` (d per row) and class codes `y`. */
export function matrixOf(
  x: Float64Array,
  y: Int32Array,
  d: number,
  classes: string[],
): FeatureMatrix {
  const n = y.length;
  return {
    n,
    d,
    x,
    features: Array.from({ length: d }, (_, j) => `f${j}`),
    y,
    classes,
    rows: Int32Array.from({ length: n }, (_, i) => i),
    rowsRead: n,
    missingLabel: 0,
    imputed: {},
    skipped: {},
    truncated: false,
  };
}
