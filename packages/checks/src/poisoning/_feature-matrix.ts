import { type Dataset, InputError } from '@mlwarden/core';
import type { Field } from 'apache-arrow';
import { childData } from '../arrow/_collect-columns.js';
import { columnKind } from '../arrow/_column-kind.js';
import { numericValues } from '../arrow/_numeric-values.js';
import { validityOf } from '../arrow/_validity.js';
import { CategoryCoder, NULL_GROUP } from '../fairness/_category-coder.js';

/** Rows of a dataset as a dense matrix of numeric features and, optionally, class codes. */
export interface FeatureMatrix {
  /** Rows kept (rows with a null label are left out). */
  n: number;
  d: number;
  /** Row-major raw values; nulls and NaN are replaced by the column mean. */
  x: Float64Array;
  features: string[];
  /** Class code of each row (sorted class names), when a label was read. */
  y?: Int32Array;
  classes?: string[];
  /** Dataset row index of each matrix row. */
  rows: Int32Array;
  /** Rows read from the dataset, including those left out. */
  rowsRead: number;
  missingLabel: number;
  /** Per feature: values that were null, NaN or infinite and were imputed. */
  imputed: Record<string, number>;
  /** Columns not used as features, with the reason. */
  skipped: Record<string, string>;
  truncated: boolean;
}

export interface ReadMatrixOptions {
  label?: string;
  /** Feature columns. Default: every numeric or boolean column but the label and `exclude`. */
  features?: readonly string[];
  exclude?: readonly string[];
  maxRows: number;
  maxClasses?: number;
  signal?: AbortSignal;
  onBatch?: (rows: number) => void;
}

const usable = (field: Field) => {
  const kind = columnKind(field.type);
  return kind === 'numeric' || kind === 'boolean';
};

function findField(dataset: Dataset, name: string, role: string): Field {
  const field = dataset.schema.fields.find((f) => f.name === name);
  if (field === undefined) {
    throw new InputError(`${dataset.source}: the ${role} column "${name}" does not exist`, {
      hint: `the dataset has the columns ${dataset.schema.fields
        .map((f) => f.name)
        .slice(0, 20)
        .join(', ')}`,
    });
  }
  return field;
}

const byName = new Intl.Collator('en', { numeric: true }).compare;

/**
 * Reads the feature columns (and the label) batch by batch into one Float64Array. Boolean
 * features become 0/1; nulls, NaN and infinities are imputed with the column mean afterwards.
 */
export async function readFeatureMatrix(
  dataset: Dataset,
  options: ReadMatrixOptions,
): Promise<FeatureMatrix> {
  const exclude = new Set(options.exclude ?? []);
  if (options.label !== undefined) {
    findField(dataset, options.label, 'label');
    exclude.add(options.label);
  }
  const skipped: Record<string, string> = {};
  let features: string[];
  if (options.features !== undefined) {
    features = [...options.features];
    for (const name of features) {
      const field = findField(dataset, name, 'feature');
      if (!usable(field)) {
        throw new InputError(
          `${dataset.source}: feature column "${name}" has type ${String(field.type)}; only numeric and boolean features are supported`,
          { hint: 'encode categorical features as numbers first, or leave the column out' },
        );
      }
    }
  } else {
    features = [];
    for (const field of dataset.schema.fields) {
      if (exclude.has(field.name)) continue;
      if (usable(field)) features.push(field.name);
      else skipped[field.name] = `type ${String(field.type)} is not numeric`;
    }
  }
  if (features.length === 0) {
    throw new InputError(`${dataset.source}: no numeric feature columns to read`, {
      hint: 'name the feature columns (option `features`); only numeric and boolean columns are used',
    });
  }
  const d = features.length;
  const coder =
    options.label === undefined
      ? undefined
      : new CategoryCoder(options.label, options.maxClasses ?? 1000, dataset.source);
  let capacity = Math.min(options.maxRows, dataset.numRows ?? 65_536);
  let x = new Float64Array(capacity * d);
  let labels = new Int32Array(capacity);
  let rows = new Int32Array(capacity);
  const bad = new Float64Array(d);
  const sums = new Float64Array(d);
  let n = 0;
  let rowsRead = 0;
  let missingLabel = 0;
  let truncated = false;
  let codes = new Int32Array(0);
  const columns = options.label === undefined ? features : [...features, options.label];
  for await (let batch of dataset.batches({
    columns,
    ...(options.signal && { signal: options.signal }),
  })) {
    options.signal?.throwIfAborted();
    if (rowsRead + batch.numRows > options.maxRows) {
      batch = batch.slice(0, options.maxRows - rowsRead);
      truncated = true;
    }
    const m = batch.numRows;
    if (n + m > capacity) {
      capacity = Math.max(n + m, Math.min(options.maxRows, capacity * 2));
      const grownX = new Float64Array(capacity * d);
      grownX.set(x.subarray(0, n * d));
      x = grownX;
      const grownLabels = new Int32Array(capacity);
      grownLabels.set(labels.subarray(0, n));
      labels = grownLabels;
      const grownRows = new Int32Array(capacity);
      grownRows.set(rows.subarray(0, n));
      rows = grownRows;
    }
    // Which rows of the batch are kept: those with a label.
    let keep: Uint8Array | undefined;
    if (coder !== undefined) {
      const data = childData(batch, coder.column);
      if (data === undefined)
        throw new InputError(`${dataset.source}: a batch has no column "${coder.column}"`);
      if (codes.length < m) codes = new Int32Array(m);
      coder.encode(data, codes);
      // Null (and NaN) labels share the coder's null group: those rows are left out.
      const nullCode = coder.labels.indexOf(NULL_GROUP);
      if (nullCode >= 0) {
        keep = new Uint8Array(m);
        for (let i = 0; i < m; i++) keep[i] = codes[i] === nullCode ? 0 : 1;
      }
    }
    let at = n;
    for (let i = 0; i < m; i++) {
      if (keep !== undefined && keep[i] === 0) {
        missingLabel++;
        continue;
      }
      rows[at] = rowsRead + i;
      if (coder !== undefined) labels[at] = codes[i] as number;
      at++;
    }
    for (let j = 0; j < d; j++) {
      const name = features[j] as string;
      const data = childData(batch, name);
      if (data === undefined)
        throw new InputError(`${dataset.source}: a batch has no column "${name}"`);
      const validity = validityOf(data);
      const isBool = columnKind(data.type) === 'boolean';
      const values = isBool ? undefined : numericValues(data);
      const bits = isBool ? (data.values as Uint8Array) : undefined;
      let r = n;
      let sum = 0;
      let missing = 0;
      for (let i = 0; i < m; i++) {
        if (keep !== undefined && keep[i] === 0) continue;
        let v: number;
        const bit = data.offset + i;
        if (
          validity !== undefined &&
          (((validity.bitmap[(validity.offset + i) >> 3] as number) >>
            ((validity.offset + i) & 7)) &
            1) ===
            0
        ) {
          v = Number.NaN;
        } else if (bits !== undefined) {
          v = ((bits[bit >> 3] as number) >> (bit & 7)) & 1;
        } else {
          v = (values as ArrayLike<number>)[i] as number;
        }
        if (v - v !== 0) {
          missing++;
          v = Number.NaN;
        } else sum += v;
        x[r * d + j] = v;
        r++;
      }
      bad[j] = (bad[j] as number) + missing;
      sums[j] = (sums[j] as number) + sum;
    }
    n = at;
    rowsRead += m;
    options.onBatch?.(rowsRead);
    if (truncated) break;
  }
  const imputed: Record<string, number> = {};
  for (let j = 0; j < d; j++) {
    const missing = bad[j] as number;
    if (missing === 0) continue;
    imputed[features[j] as string] = missing;
    const mean = n - missing > 0 ? (sums[j] as number) / (n - missing) : 0;
    for (let i = 0; i < n; i++) if (Number.isNaN(x[i * d + j] as number)) x[i * d + j] = mean;
  }
  const result: FeatureMatrix = {
    n,
    d,
    x: x.slice(0, n * d),
    features,
    rows: rows.slice(0, n),
    rowsRead,
    missingLabel,
    imputed,
    skipped,
    truncated,
  };
  if (coder !== undefined) {
    // Classes in sorted order, so that codes do not depend on the order rows arrive in.
    const order = coder.labels
      .map((_, c) => c)
      .filter((c) => coder.labels[c] !== NULL_GROUP)
      .sort((a, b) => byName(coder.labels[a] as string, coder.labels[b] as string));
    const remap = new Int32Array(coder.labels.length);
    order.forEach((c, k) => {
      remap[c] = k;
    });
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) y[i] = remap[labels[i] as number] as number;
    result.y = y;
    result.classes = order.map((c) => coder.labels[c] as string);
  }
  return result;
}

/** Column means and standard deviations (population); a constant column gets deviation 1. */
export function standardize(m: Pick<FeatureMatrix, 'n' | 'd' | 'x'>): {
  z: Float64Array;
  mean: Float64Array;
  std: Float64Array;
} {
  const { n, d, x } = m;
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) + (x[i * d + j] as number);
  for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) / Math.max(1, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const c = (x[i * d + j] as number) - (mean[j] as number);
      std[j] = (std[j] as number) + c * c;
    }
  }
  for (let j = 0; j < d; j++) {
    const s = Math.sqrt((std[j] as number) / Math.max(1, n));
    std[j] = s > 0 ? s : 1;
  }
  const z = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++)
      z[i * d + j] = ((x[i * d + j] as number) - (mean[j] as number)) / (std[j] as number);
  }
  return { z, mean, std };
}
