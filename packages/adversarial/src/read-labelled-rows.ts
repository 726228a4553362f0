import { type Dataset, InputError } from '@mlwarden/core';
import type { Data, Field, RecordBatch } from 'apache-arrow';
import type { LabelledRows } from './_evasion-common.js';

/** Type ids of apache-arrow's `Type` enum, kept here so this module needs no runtime import. */
const INT = 2;
const FLOAT = 3;
const BOOL = 6;
const UTF8 = 5;
const LARGE_UTF8 = 20;
const DICTIONARY = -1;

export interface ReadLabelledRowsOptions {
  /**
   * Column holding the class. Integer values are class indices; strings are mapped to classes.
   * Without it only features are read and every label is 0.
   */
  label?: string;
  /** Feature columns in the model's input order. Default: every numeric column but the label. */
  features?: readonly string[];
  /** Columns never used as features (e.g. a label column that is not read). */
  exclude?: readonly string[];
  /** Class names in model output order, to map string labels. Default: sorted distinct labels. */
  classes?: readonly string[];
  /** Read at most this many rows. */
  maxRows?: number;
  signal?: AbortSignal;
}

export interface LabelledData extends LabelledRows {
  features: string[];
  /** Class names when labels were strings (index = class id). */
  classes?: string[];
  source: string;
}

function isNumeric(field: Field): boolean {
  const id = field.type.typeId as number;
  return id === INT || id === FLOAT || id === BOOL;
}

function copyNumeric(
  data: Data,
  out: Float32Array,
  row0: number,
  width: number,
  j: number,
  where: () => string,
) {
  const n = data.length;
  const id = data.type.typeId as number;
  const values = data.values as ArrayLike<number | bigint>;
  const hasNulls = data.nullCount > 0;
  for (let i = 0; i < n; i++) {
    if (hasNulls && !data.getValid(i)) {
      throw new InputError(`${where()}: row ${row0 + i} is null`, {
        hint: 'impute or drop missing values before attacking the model',
      });
    }
    const v =
      id === BOOL
        ? (((data.values as Uint8Array)[(data.offset + i) >> 3] as number) >>
            ((data.offset + i) & 7)) &
          1
        : Number(values[i] as number | bigint);
    out[(row0 + i) * width + j] = v;
  }
}

/**
 * Reads a dataset into a dense float32 matrix of features and an int32 vector of class indices,
 * batch by batch. Nulls in features or labels are errors naming the column and row.
 */
export async function readLabelledRows(
  dataset: Dataset,
  options: ReadLabelledRowsOptions,
): Promise<LabelledData> {
  const fields = dataset.schema.fields;
  const labelField =
    options.label === undefined ? undefined : fields.find((f) => f.name === options.label);
  if (options.label !== undefined && labelField === undefined) {
    throw new InputError(`${dataset.source} has no label column "${options.label}"`, {
      hint: `columns are: ${fields.map((f) => f.name).join(', ')}`,
    });
  }
  const features =
    options.features !== undefined
      ? [...options.features]
      : fields
          .filter(
            (f) => f.name !== options.label && !options.exclude?.includes(f.name) && isNumeric(f),
          )
          .map((f) => f.name);
  for (const name of features) {
    const field = fields.find((f) => f.name === name);
    if (field === undefined)
      throw new InputError(`${dataset.source} has no feature column "${name}"`);
    if (!isNumeric(field)) {
      throw new InputError(
        `${dataset.source}: feature column "${name}" is ${field.type}, not numeric`,
        {
          hint: 'encode categorical features (e.g. one-hot) the way the model expects',
        },
      );
    }
  }
  if (features.length === 0)
    throw new InputError(`${dataset.source} has no numeric feature columns`);
  const labelId = (labelField?.type.typeId as number | undefined) ?? INT;
  const stringLabels = labelId === UTF8 || labelId === LARGE_UTF8 || labelId === DICTIONARY;
  if (!stringLabels && labelId !== INT && labelId !== BOOL) {
    throw new InputError(
      `${dataset.source}: label column "${options.label}" is ${labelField?.type}; use integer class indices or class names`,
    );
  }
  const width = features.length;
  const limit = options.maxRows ?? Number.POSITIVE_INFINITY;
  let capacity = Math.min(limit, dataset.numRows ?? 1024);
  let x = new Float32Array(capacity * width);
  let y = new Int32Array(capacity);
  const labelNames: string[] = [];
  let n = 0;
  const batches = dataset.batches({
    columns: options.label === undefined ? features : [...features, options.label],
    ...(options.signal !== undefined && { signal: options.signal }),
  });
  for await (const batch of batches as AsyncIterable<RecordBatch>) {
    if (n >= limit) break;
    const take = Math.min(batch.numRows, limit - n);
    if (n + take > capacity) {
      capacity = Math.max(n + take, capacity * 2);
      const grownX = new Float32Array(capacity * width);
      grownX.set(x.subarray(0, n * width));
      const grownY = new Int32Array(capacity);
      grownY.set(y.subarray(0, n));
      x = grownX;
      y = grownY;
    }
    const part = take < batch.numRows ? batch.slice(0, take) : batch;
    features.forEach((name, j) => {
      const column = part.getChild(name);
      if (column === null)
        throw new InputError(`${dataset.source}: batch without column "${name}"`);
      let row = n;
      for (const data of column.data) {
        copyNumeric(data, x, row, width, j, () => `${dataset.source}: feature "${name}"`);
        row += data.length;
      }
    });
    const labels = options.label === undefined ? undefined : part.getChild(options.label);
    if (labels === undefined) {
      n += take;
      continue;
    }
    if (labels === null)
      throw new InputError(`${dataset.source}: batch without column "${options.label}"`);
    for (let i = 0; i < take; i++) {
      const value = labels.get(i) as unknown;
      if (value === null || value === undefined) {
        throw new InputError(`${dataset.source}: label "${options.label}" is null in row ${n + i}`);
      }
      if (stringLabels) {
        const name = String(value);
        let index = labelNames.indexOf(name);
        if (index < 0) index = labelNames.push(name) - 1;
        y[n + i] = index;
      } else {
        y[n + i] = Number(value);
      }
    }
    n += take;
  }
  x = x.slice(0, n * width);
  y = y.slice(0, n);
  const result: LabelledData = { x, y, n, features, source: dataset.source };
  if (stringLabels) {
    const classes = options.classes ? [...options.classes] : [...labelNames].sort();
    const remap = labelNames.map((name) => classes.indexOf(name));
    const unknown = labelNames.filter((_, i) => remap[i] === -1);
    if (unknown.length > 0) {
      throw new InputError(
        `${dataset.source}: labels ${unknown.slice(0, 5).join(', ')} are not among the model's classes`,
      );
    }
    for (let i = 0; i < n; i++) y[i] = remap[y[i] as number] as number;
    result.classes = classes;
  }
  return result;
}
