import { type Dataset, InputError } from '@mlwarden/core';
import type { Data, Field, RecordBatch } from 'apache-arrow';
import { childData } from '../arrow/_collect-columns.js';
import { CategoryCoder } from './_category-coder.js';
import {
  MISSING,
  NOT_A_NUMBER,
  OutcomeReader,
  type PositiveLabel,
  ScoreReader,
} from './_outcome-reader.js';

/** Which columns hold what, and how to read them. */
export interface FairnessColumns {
  label?: string;
  prediction?: string;
  score?: string;
  threshold: number;
  positiveLabel: PositiveLabel;
  sensitive: readonly string[];
  maxGroups: number;
  maxRows: number;
}

/** Rows read and why some were left out. */
export interface RowCounts {
  total: number;
  used: number;
  missingLabel: number;
  missingPrediction: number;
  nanScore: number;
}

/**
 * Confusion counts of every non-empty combination of sensitive values (one "cell" per
 * combination). Cell `c` has the codes `codes[c·F … c·F+F)` (F = number of sensitive features)
 * and the counts `counts[c·4 …]` in the order true negative, false positive, false negative, true
 * positive (index = 2·label + prediction). Without a label column every row is counted as label 0.
 */
export interface FairnessCounts {
  features: { name: string; values: string[] }[];
  codes: Int32Array;
  counts: Float64Array;
  rows: RowCounts;
  hasLabel: boolean;
  /** Values other than the positive label seen in the label / prediction columns (a few). */
  otherLabels: string[];
  otherPredictions: string[];
  positiveLabels: number;
  positivePredictions: number;
  truncated: boolean;
}

function fieldOf(dataset: Dataset, name: string, role: string): Field {
  const field = dataset.schema.fields.find((f) => f.name === name);
  if (field === undefined) {
    const names = dataset.schema.fields.map((f) => f.name);
    throw new InputError(`${dataset.source}: the ${role} column "${name}" does not exist`, {
      hint: `the dataset has the columns ${names.slice(0, 20).join(', ')}${names.length > 20 ? ', …' : ''}`,
    });
  }
  return field;
}

function dataOf(batch: RecordBatch, name: string, source: string): Data {
  const data = childData(batch, name);
  if (data === undefined) {
    throw new InputError(`${source}: a record batch has no column "${name}"`, {
      hint: 'every record batch of a dataset must have the columns of its schema',
    });
  }
  return data;
}

/** Bits per code in a packed cell key; F·bits must stay below 53. */
function bitsFor(maxGroups: number): number {
  return Math.max(1, Math.ceil(Math.log2(maxGroups + 1)));
}

/** Largest dense per-batch table, in cells, before falling back to a hash map. */
const DENSE_LIMIT = 1 << 16;

/**
 * One pass over the batches: sensitive values become integer codes, label and prediction
 * become 0/1, and every row adds one to the counter of its (combination, label, prediction)
 * cell — in a dense typed array per batch, merged into a map of non-empty combinations.
 */
export async function countFairness(
  dataset: Dataset,
  columns: FairnessColumns,
  options: { signal?: AbortSignal; onBatch?: (rows: number) => void } = {},
): Promise<FairnessCounts> {
  const source = dataset.source;
  const F = columns.sensitive.length;
  if (F === 0) {
    throw new InputError('no sensitive feature was given', {
      hint: 'name one or more sensitive columns (option `sensitive`)',
    });
  }
  const bits = bitsFor(columns.maxGroups);
  if (F * bits > 52) {
    throw new InputError(
      `${F} sensitive features with up to ${columns.maxGroups} groups each are too many to combine`,
      { hint: 'lower maxGroups or use fewer sensitive features' },
    );
  }
  const radix = 2 ** bits;
  const labelReader =
    columns.label === undefined
      ? undefined
      : new OutcomeReader(
          fieldOf(dataset, columns.label, 'label'),
          columns.positiveLabel,
          source,
          'label',
        );
  let predictionReader: OutcomeReader | ScoreReader;
  let predictionName: string;
  if (columns.prediction !== undefined) {
    predictionName = columns.prediction;
    predictionReader = new OutcomeReader(
      fieldOf(dataset, predictionName, 'prediction'),
      columns.positiveLabel,
      source,
      'prediction',
    );
  } else if (columns.score !== undefined) {
    predictionName = columns.score;
    predictionReader = new ScoreReader(
      fieldOf(dataset, predictionName, 'score'),
      columns.threshold,
      source,
    );
  } else {
    throw new InputError('neither a prediction nor a score column was given', {
      hint: 'name a prediction column, or a score column with a threshold',
    });
  }
  const coders = columns.sensitive.map((name) => {
    fieldOf(dataset, name, 'sensitive');
    return new CategoryCoder(name, columns.maxGroups, source);
  });
  const read = [
    ...new Set([
      ...columns.sensitive,
      ...(columns.label === undefined ? [] : [columns.label]),
      predictionName,
    ]),
  ];

  const rows: RowCounts = { total: 0, used: 0, missingLabel: 0, missingPrediction: 0, nanScore: 0 };
  const cells = new Map<number, number>();
  const cellCodes: number[] = [];
  let cellCounts = new Float64Array(1024);
  const cellIndex = (key: number, codes: ArrayLike<number>): number => {
    let c = cells.get(key);
    if (c === undefined) {
      c = cells.size;
      cells.set(key, c);
      for (let f = 0; f < F; f++) cellCodes.push(codes[f] as number);
      if ((c + 1) * 4 > cellCounts.length) {
        const grown = new Float64Array(cellCounts.length * 2);
        grown.set(cellCounts);
        cellCounts = grown;
      }
    }
    return c;
  };

  let codes: Int32Array[] = coders.map(() => new Int32Array(0));
  let y = new Uint8Array(0);
  let yHat = new Uint8Array(0);
  const tuple = new Int32Array(F);
  let truncated = false;

  for await (let batch of dataset.batches({
    columns: read,
    ...(options.signal && { signal: options.signal }),
  })) {
    options.signal?.throwIfAborted();
    if (rows.total + batch.numRows > columns.maxRows) {
      batch = batch.slice(0, columns.maxRows - rows.total);
      truncated = true;
    }
    const n = batch.numRows;
    if (y.length < n) {
      codes = coders.map(() => new Int32Array(n));
      y = new Uint8Array(n);
      yHat = new Uint8Array(n);
    }
    coders.forEach((coder, f) => {
      coder.encode(dataOf(batch, coder.column, source), codes[f] as Int32Array);
    });
    if (labelReader !== undefined) {
      labelReader.read(dataOf(batch, labelReader.field.name, source), y);
    } else y.fill(0, 0, n);
    predictionReader.read(dataOf(batch, predictionName, source), yHat);

    // Dense local table over the codes known after this batch.
    const sizes = coders.map((c) => c.size);
    const product = sizes.reduce((a, b) => a * b, 1);
    let used = 0;
    if (product <= Math.max(DENSE_LIMIT, n)) {
      const local = new Float64Array(product * 4);
      const c0 = codes[0] as Int32Array;
      if (F === 1) {
        for (let i = 0; i < n; i++) {
          const a = y[i] as number;
          const b = yHat[i] as number;
          if ((a | b) > 1) continue;
          const at = (c0[i] as number) * 4 + a * 2 + b;
          local[at] = (local[at] as number) + 1;
          used++;
        }
      } else {
        const strides = new Int32Array(F);
        let s = 1;
        for (let f = F - 1; f >= 0; f--) {
          strides[f] = s;
          s *= sizes[f] as number;
        }
        for (let i = 0; i < n; i++) {
          const a = y[i] as number;
          const b = yHat[i] as number;
          if ((a | b) > 1) continue;
          let k = 0;
          for (let f = 0; f < F; f++)
            k += ((codes[f] as Int32Array)[i] as number) * (strides[f] as number);
          const at = k * 4 + a * 2 + b;
          local[at] = (local[at] as number) + 1;
          used++;
        }
      }
      for (let k = 0; k < product; k++) {
        const o = k * 4;
        if (local[o] === 0 && local[o + 1] === 0 && local[o + 2] === 0 && local[o + 3] === 0)
          continue;
        let rest = k;
        let key = 0;
        for (let f = F - 1; f >= 0; f--) {
          const size = sizes[f] as number;
          tuple[f] = rest % size;
          rest = Math.floor(rest / size);
        }
        for (let f = 0; f < F; f++) key = key * radix + (tuple[f] as number);
        const c = cellIndex(key, tuple) * 4;
        for (let j = 0; j < 4; j++)
          cellCounts[c + j] = (cellCounts[c + j] as number) + (local[o + j] as number);
      }
    } else {
      for (let i = 0; i < n; i++) {
        const a = y[i] as number;
        const b = yHat[i] as number;
        if ((a | b) > 1) continue;
        let key = 0;
        for (let f = 0; f < F; f++) {
          tuple[f] = (codes[f] as Int32Array)[i] as number;
          key = key * radix + (tuple[f] as number);
        }
        const c = cellIndex(key, tuple) * 4 + a * 2 + b;
        cellCounts[c] = (cellCounts[c] as number) + 1;
        used++;
      }
    }
    for (let i = 0; i < n; i++) {
      const a = y[i] as number;
      const b = yHat[i] as number;
      if (a === MISSING) rows.missingLabel++;
      if (b === MISSING) rows.missingPrediction++;
      else if (b === NOT_A_NUMBER) rows.nanScore++;
    }
    rows.total += n;
    rows.used += used;
    options.onBatch?.(rows.total);
    if (truncated) break;
  }
  const C = cells.size;
  return {
    features: coders.map((c) => ({ name: c.column, values: c.labels })),
    codes: Int32Array.from(cellCodes),
    counts: cellCounts.slice(0, C * 4),
    rows,
    hasLabel: labelReader !== undefined,
    otherLabels: labelReader ? [...labelReader.others] : [],
    otherPredictions: predictionReader instanceof OutcomeReader ? [...predictionReader.others] : [],
    positiveLabels: labelReader?.positives ?? 0,
    positivePredictions: predictionReader.positives,
    truncated,
  };
}
