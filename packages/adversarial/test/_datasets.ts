import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Dataset } from '@mlwarden/core';
import { type Table, tableFromArrays, tableFromIPC } from 'apache-arrow';
import { createRandom } from '../src/_random.js';
import { type LabelledData, readLabelledRows } from '../src/read-labelled-rows.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__');

/** A core Dataset over an in-memory Arrow table, yielding its record batches. */
export function datasetFromTable(table: Table, source: string): Dataset {
  return {
    schema: table.schema,
    source,
    numRows: table.numRows,
    async *batches(options) {
      const columns = options?.columns;
      const view = columns ? table.select(columns) : table;
      for (const batch of view.batches) yield batch;
    },
  };
}

/** One of the committed scikit-learn datasets as a Dataset. */
export function fixtureDataset(name: 'digits' | 'breast-cancer'): Dataset {
  const path = join(fixtures, `${name}.arrow`);
  return datasetFromTable(tableFromIPC(readFileSync(path)), path);
}

/**
 * Rows of a fixture scaled into [0, 1]: digits' pixels divided by 16, breast-cancer measurements
 * min–max scaled per feature over the whole dataset.
 */
export async function scaledFixture(name: 'digits' | 'breast-cancer'): Promise<LabelledData> {
  const rows = await readLabelledRows(fixtureDataset(name), { label: 'target' });
  const d = rows.features.length;
  if (name === 'digits') {
    for (let i = 0; i < rows.x.length; i++) rows.x[i] = (rows.x[i] as number) / 16;
    return rows;
  }
  for (let j = 0; j < d; j++) {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < rows.n; i++) {
      const v = rows.x[i * d + j] as number;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    for (let i = 0; i < rows.n; i++) {
      rows.x[i * d + j] = ((rows.x[i * d + j] as number) - lo) / (hi - lo);
    }
  }
  return rows;
}

/** Rows `[from, to)` of labelled data. */
export function sliceRows(rows: LabelledData, from: number, to: number) {
  const d = rows.features.length;
  return { x: rows.x.slice(from * d, to * d), y: rows.y.slice(from, to), n: to - from };
}

/** Rows picked by index. */
export function pickRows(
  rows: { x: Float32Array; y: Int32Array },
  d: number,
  index: readonly number[],
) {
  const x = new Float32Array(index.length * d);
  const y = new Int32Array(index.length);
  index.forEach((i, k) => {
    x.set(rows.x.subarray(i * d, (i + 1) * d), k * d);
    y[k] = rows.y[i] as number;
  });
  return { x, y, n: index.length };
}

export { tableFromArrays };

/**
 * A seeded synthetic tabular task with label noise: `d` standard-normal features and a label drawn
 * from a logistic model, so even the best classifier errs on many rows (about a sixth with the default scale).
 */
export function noisyTabular(n: number, d: number, seed: number, scale = 2.5) {
  const random = createRandom(seed);
  const w = Array.from({ length: d }, () => random.normal());
  const norm = Math.hypot(...w);
  const x = new Float32Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let z = 0;
    for (let j = 0; j < d; j++) {
      const v = random.normal();
      x[i * d + j] = v;
      z += (scale * (w[j] as number) * v) / norm;
    }
    y[i] = random.next() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  }
  return { x, y, n };
}
