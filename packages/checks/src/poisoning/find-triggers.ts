import { type Dataset, InputError } from '@mlwarden/core';
import type { Field } from 'apache-arrow';
import { childData } from '../arrow/_collect-columns.js';
import { columnKind } from '../arrow/_column-kind.js';
import { numericValues } from '../arrow/_numeric-values.js';
import { isValid, validityOf } from '../arrow/_validity.js';
import { CategoryCoder, NULL_GROUP } from '../fairness/_category-coder.js';
import { createRandom } from '../stats/_random.js';
import { binomialUpperTail } from './_binomial-tail.js';
import { readFeatureMatrix } from './_feature-matrix.js';
import { insertBest } from './_nearest-neighbours.js';
import { columnMedians } from './_robust-scale.js';
import { sampleIndices } from './_sampling.js';

export interface TriggerOptions {
  label: string;
  /** Columns searched for triggers. Default: every column but the label and `exclude`. */
  columns?: readonly string[];
  exclude?: readonly string[];
  /** Fewest rows a trigger must cover. */
  minSupport?: number;
  /** Largest share of rows a trigger may cover (triggers are rare). */
  maxShare?: number;
  /** Smallest share of the trigger's rows carrying its label. */
  minPurity?: number;
  /** Smallest odds ratio of the label between the trigger's rows and the other rows. */
  minOddsRatio?: number;
  /** Family-wise level: a candidate is reported when p × candidates tested < alpha. */
  alpha?: number;
  /** Look for pairs of values too, when the work stays below `maxPairWork` pair updates. */
  pairs?: boolean;
  maxPairWork?: number;
  /**
   * A candidate is kept only when, on average over its rows, at most this share of their 10
   * nearest neighbours (in the numeric features, robustly scaled and clipped at ±3 so that a
   * trigger value cannot dominate the distance) carry the same label: a planted trigger relabels
   * rows that look like another class, while a natural rare pattern agrees with the rest of the
   * row. 1 keeps every candidate (and skips the search).
   */
  maxAgreement?: number;
  seed?: number;
  maxRows?: number;
  maxCategories?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number | undefined, label: string) => void;
}

export interface Trigger {
  columns: string[];
  values: string[];
  /** Rows carrying the value (combination). */
  support: number;
  label: string;
  /** Share of those rows with `label`. */
  purity: number;
  /** Share of the other rows with `label`. */
  baseRate: number;
  pValue: number;
  /** Mean share of its rows' nearest neighbours that carry the row's label, when known. */
  agreement?: number;
  /** Dataset rows carrying it (at most 1000). */
  rows: number[];
}

export interface TriggerSearch {
  triggers: Trigger[];
  rows: number;
  /** Candidates (values and pairs) tested. */
  tested: number;
  /** Significant candidates left out because the rest of their rows agrees with the label. */
  consistent: number;
  pairsSearched: boolean;
  classes: string[];
  truncated: boolean;
}

interface Column {
  name: string;
  kind: 'category' | 'number';
  coder?: CategoryCoder;
  codes: number[];
  numbers: number[];
}

/** Items: a (column, value) seen at least minSupport times. */
interface Items {
  column: Int32Array;
  label: string[];
  /** Item of each row for each column, −1 when rare or null: rows × columns. */
  ofRow: Int32Array;
}

function readColumns(dataset: Dataset, fields: Field[]) {
  return fields.map<Column>((f) => {
    const kind = columnKind(f.type);
    if (kind === 'numeric' || kind === 'temporal')
      return { name: f.name, kind: 'number', codes: [], numbers: [] };
    return {
      name: f.name,
      kind: 'category',
      codes: [],
      numbers: [],
      coder: new CategoryCoder(f.name, 1_000_000, dataset.source),
    };
  });
}

/**
 * Trigger hunting on tabular data: values, and pairs of values, that are rare, almost always
 * come with one label, and come with it far more often than the rest of the data does — the
 * footprint of a backdoor trigger planted with a target label.
 */
export async function findTriggers(
  dataset: Dataset,
  options: TriggerOptions,
): Promise<TriggerSearch> {
  const fields = dataset.schema.fields;
  const labelField = fields.find((f) => f.name === options.label);
  if (labelField === undefined) {
    throw new InputError(`${dataset.source}: the label column "${options.label}" does not exist`, {
      hint: `the dataset has the columns ${fields
        .map((f) => f.name)
        .slice(0, 20)
        .join(', ')}`,
    });
  }
  const exclude = new Set([...(options.exclude ?? []), options.label]);
  const chosen = options.columns
    ? options.columns.map((name) => {
        const f = fields.find((x) => x.name === name);
        if (f === undefined)
          throw new InputError(`${dataset.source}: the column "${name}" does not exist`);
        return f;
      })
    : fields.filter((f) => !exclude.has(f.name));
  const usable = chosen.filter((f) => {
    const k = columnKind(f.type);
    return k !== 'other';
  });
  const columns = readColumns(dataset, usable);
  const labelCoder = new CategoryCoder(
    options.label,
    options.maxCategories ?? 1000,
    dataset.source,
  );
  const labels: number[] = [];
  const rowIndex: number[] = [];
  const maxRows = options.maxRows ?? 1_000_000;
  let read = 0;
  let truncated = false;
  let codes = new Int32Array(0);
  for await (let batch of dataset.batches({
    columns: [...usable.map((f) => f.name), options.label],
    ...(options.signal && { signal: options.signal }),
  })) {
    options.signal?.throwIfAborted();
    if (read + batch.numRows > maxRows) {
      batch = batch.slice(0, maxRows - read);
      truncated = true;
    }
    const m = batch.numRows;
    if (codes.length < m) codes = new Int32Array(m);
    const labelData = childData(batch, options.label);
    if (labelData === undefined)
      throw new InputError(`${dataset.source}: a batch has no column "${options.label}"`);
    labelCoder.encode(labelData, codes);
    const labelValidity = validityOf(labelData);
    const nullLabel = labelCoder.labels.indexOf(NULL_GROUP);
    const keep: number[] = [];
    for (let i = 0; i < m; i++) {
      if (!isValid(labelValidity, i) || codes[i] === nullLabel) continue;
      keep.push(i);
      labels.push(codes[i] as number);
      rowIndex.push(read + i);
    }
    for (const column of columns) {
      const data = childData(batch, column.name);
      if (data === undefined)
        throw new InputError(`${dataset.source}: a batch has no column "${column.name}"`);
      const validity = validityOf(data);
      if (column.kind === 'category') {
        (column.coder as CategoryCoder).encode(data, codes);
        for (const i of keep) column.codes.push(isValid(validity, i) ? (codes[i] as number) : -1);
      } else {
        const values =
          columnKind(data.type) === 'numeric' || columnKind(data.type) === 'temporal'
            ? numericValues(data)
            : [];
        for (const i of keep)
          column.numbers.push(isValid(validity, i) ? (values[i] as number) : Number.NaN);
      }
    }
    read += m;
    options.onProgress?.(read, dataset.numRows, 'reading');
    if (truncated) break;
  }
  const n = labels.length;
  const C = columns.length;
  const classOrder = labelCoder.labels;
  const K = classOrder.length;
  const minSupport = options.minSupport ?? 10;
  const maxSupport = Math.floor((options.maxShare ?? 0.05) * n);
  const minPurity = options.minPurity ?? 0.9;
  const minOddsRatio = options.minOddsRatio ?? 10;
  const alpha = options.alpha ?? 1e-3;

  // Items: values seen at least minSupport times.
  const itemColumn: number[] = [];
  const itemLabel: string[] = [];
  const ofRow = new Int32Array(n * C).fill(-1);
  columns.forEach((column, c) => {
    if (column.kind === 'category') {
      const counts = new Map<number, number>();
      for (const v of column.codes) if (v >= 0) counts.set(v, (counts.get(v) ?? 0) + 1);
      const id = new Map<number, number>();
      for (const [v, count] of counts) {
        if (count < minSupport) continue;
        id.set(v, itemColumn.length);
        itemColumn.push(c);
        itemLabel.push((column.coder as CategoryCoder).labels[v] as string);
      }
      column.codes.forEach((v, i) => {
        const item = id.get(v);
        if (item !== undefined) ofRow[i * C + c] = item;
      });
    } else {
      const sorted = Float64Array.from(column.numbers).sort();
      const id = new Map<number, number>();
      let start = 0;
      for (let q = 1; q <= sorted.length; q++) {
        if (q < sorted.length && sorted[q] === sorted[start]) continue;
        const v = sorted[start] as number;
        if (q - start >= minSupport && !Number.isNaN(v)) {
          id.set(v, itemColumn.length);
          itemColumn.push(c);
          itemLabel.push(String(v));
        }
        start = q;
      }
      if (id.size === 0) return;
      column.numbers.forEach((v, i) => {
        const item = id.get(v);
        if (item !== undefined) ofRow[i * C + c] = item;
      });
    }
  });
  const items: Items = { column: Int32Array.from(itemColumn), label: itemLabel, ofRow };
  const I = itemColumn.length;
  const labelTotals = new Float64Array(K);
  for (const c of labels) labelTotals[c] = (labelTotals[c] as number) + 1;

  // Single items.
  const single = new Int32Array(I * K);
  for (let i = 0; i < n; i++) {
    const y = labels[i] as number;
    for (let c = 0; c < C; c++) {
      const item = items.ofRow[i * C + c] as number;
      if (item >= 0) single[item * K + y] = (single[item * K + y] as number) + 1;
    }
  }
  // Pairs, when the work is bounded.
  let pairWork = 0;
  for (let i = 0; i < n; i++) {
    let present = 0;
    for (let c = 0; c < C; c++) if ((items.ofRow[i * C + c] as number) >= 0) present++;
    pairWork += (present * (present - 1)) / 2;
  }
  const pairsSearched = (options.pairs ?? true) && pairWork <= (options.maxPairWork ?? 50_000_000);
  const pairIndex = new Map<number, number>();
  let pairCounts = new Int32Array(0);
  const pairItems: number[] = [];
  if (pairsSearched) {
    pairCounts = new Int32Array(1024 * K);
    const present = new Int32Array(C);
    for (let i = 0; i < n; i++) {
      if ((i & 4095) === 0) options.signal?.throwIfAborted();
      const y = labels[i] as number;
      let m = 0;
      for (let c = 0; c < C; c++) {
        const item = items.ofRow[i * C + c] as number;
        if (item >= 0) present[m++] = item;
      }
      for (let a = 0; a < m; a++) {
        for (let b = a + 1; b < m; b++) {
          const key = (present[a] as number) * I + (present[b] as number);
          let p = pairIndex.get(key);
          if (p === undefined) {
            p = pairItems.length / 2;
            pairIndex.set(key, p);
            pairItems.push(present[a] as number, present[b] as number);
            if ((p + 1) * K > pairCounts.length) {
              const grown = new Int32Array(pairCounts.length * 2);
              grown.set(pairCounts);
              pairCounts = grown;
            }
          }
          pairCounts[p * K + y] = (pairCounts[p * K + y] as number) + 1;
        }
      }
    }
    options.onProgress?.(n, n, 'pairs');
  }

  interface Candidate {
    items: number[];
    support: number;
    label: number;
    hits: number;
    purity: number;
    baseRate: number;
    pValue: number;
  }
  const evaluate = (
    counts: Int32Array,
    offset: number,
    members: number[],
  ): Candidate | undefined => {
    let support = 0;
    let best = 0;
    for (let c = 0; c < K; c++) {
      const v = counts[offset + c] as number;
      support += v;
      if (v > (counts[offset + best] as number)) best = c;
    }
    if (support < minSupport || support > maxSupport) return undefined;
    const hits = counts[offset + best] as number;
    const purity = hits / support;
    const baseRate = ((labelTotals[best] as number) - hits) / Math.max(1, n - support);
    return {
      items: members,
      support,
      label: best,
      hits,
      purity,
      baseRate,
      pValue: binomialUpperTail(hits, support, Math.max(baseRate, 1 / n)),
    };
  };
  const candidates: Candidate[] = [];
  let tested = 0;
  const odds = (p: number) => p / Math.max(1 - p, 1e-12);
  const purePass = (c: Candidate) =>
    c.purity >= minPurity && odds(c.purity) >= minOddsRatio * odds(c.baseRate);
  const singlePure = new Uint8Array(I);
  for (let item = 0; item < I; item++) {
    const c = evaluate(single, item * K, [item]);
    if (c === undefined) continue;
    tested++;
    if (purePass(c)) {
      singlePure[item] = 1;
      candidates.push(c);
    }
  }
  for (let p = 0; p < pairItems.length / 2; p++) {
    const a = pairItems[2 * p] as number;
    const b = pairItems[2 * p + 1] as number;
    const c = evaluate(pairCounts, p * K, [a, b]);
    if (c === undefined) continue;
    tested++;
    // A pair is only interesting when neither value explains the label on its own.
    if (singlePure[a] || singlePure[b]) continue;
    if (purePass(c)) candidates.push(c);
  }
  const significant = candidates
    .filter((c) => c.pValue * Math.max(1, tested) < alpha)
    .sort((a, b) => a.pValue - b.pValue || b.support - a.support);

  const triggers = significant.map<Trigger>((c) => {
    const cols = c.items.map((item) => items.column[item] as number);
    const rows: number[] = [];
    for (let i = 0; i < n && rows.length < 1000; i++) {
      if (c.items.every((item, t) => items.ofRow[i * C + (cols[t] as number)] === item))
        rows.push(rowIndex[i] as number);
    }
    return {
      columns: cols.map((col) => (columns[col] as Column).name),
      values: c.items.map((item) => items.label[item] as string),
      support: c.support,
      label: classOrder[c.label] as string,
      purity: c.purity,
      baseRate: c.baseRate,
      pValue: c.pValue,
      rows,
    };
  });
  const maxAgreement = options.maxAgreement ?? 0.5;
  let kept = triggers;
  if (maxAgreement < 1 && triggers.length > 0) {
    const agreement = await labelAgreement(dataset, options, exclude);
    if (agreement !== undefined) {
      triggers.slice(0, MAX_AGREEMENT_CHECKS).forEach((t) => {
        const value = agreement(t.rows, t.columns);
        if (value !== undefined) t.agreement = value;
      });
      kept = triggers.filter((t) => t.agreement === undefined || t.agreement <= maxAgreement);
    }
  }
  return {
    triggers: kept,
    rows: n,
    tested,
    consistent: triggers.length - kept.length,
    pairsSearched,
    classes: classOrder.filter((c) => c !== NULL_GROUP),
    truncated,
  };
}

/** Features are clipped at this many robust standard deviations for the neighbour search. */
const CLIP = 3;
/** Neighbours asked per row. */
const NEIGHBOURS = 10;
/** Candidates (most significant first) whose agreement is measured; the rest are kept. */
const MAX_AGREEMENT_CHECKS = 500;

/**
 * A function giving, for a candidate's rows (dataset rows), the mean share of their nearest
 * neighbours that carry the same label — searched among a seeded sample of rows, over the numeric
 * features other than the candidate's own columns, scaled by median and MAD and clipped.
 */
async function labelAgreement(
  dataset: Dataset,
  options: TriggerOptions,
  exclude: Set<string>,
): Promise<((rows: number[], columns: string[]) => number | undefined) | undefined> {
  const numeric = dataset.schema.fields.filter((f) => {
    const kind = columnKind(f.type);
    return !exclude.has(f.name) && (kind === 'numeric' || kind === 'boolean');
  });
  if (numeric.length === 0) return undefined;
  const matrix = await readFeatureMatrix(dataset, {
    label: options.label,
    features: numeric.map((f) => f.name),
    maxRows: options.maxRows ?? 1_000_000,
    ...(options.signal && { signal: options.signal }),
  });
  const { n, d } = matrix;
  if (n < 20) return undefined;
  const { median, scale } = columnMedians(matrix.x, n, d);
  const z = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = ((matrix.x[i * d + j] as number) - (median[j] as number)) / (scale[j] as number);
      z[i * d + j] = Math.max(-CLIP, Math.min(CLIP, v));
    }
  }
  const sample = sampleIndices(n, Math.min(n, 2000), createRandom(options.seed ?? 0));
  const y = matrix.y as Int32Array;
  const matrixRow = new Map<number, number>();
  matrix.rows.forEach((r, i) => {
    matrixRow.set(r, i);
  });
  const featureIndex = new Map(matrix.features.map((name, j) => [name, j]));
  const bestD = new Float64Array(NEIGHBOURS);
  const bestI = new Int32Array(NEIGHBOURS);
  return (rows, columns) => {
    options.signal?.throwIfAborted();
    const use = new Uint8Array(d).fill(1);
    for (const c of columns) {
      const j = featureIndex.get(c);
      if (j !== undefined) use[j] = 0;
    }
    const kept = Array.from({ length: d }, (_, j) => j).filter((j) => use[j] === 1);
    if (kept.length === 0) return undefined;
    let total = 0;
    let counted = 0;
    for (const r of rows) {
      const i = matrixRow.get(r);
      if (i === undefined) continue;
      bestD.fill(Number.POSITIVE_INFINITY);
      bestI.fill(-1);
      for (let t = 0; t < sample.length; t++) {
        const s = sample[t] as number;
        if (s === i) continue;
        let dist = 0;
        for (const j of kept) {
          const diff = (z[i * d + j] as number) - (z[s * d + j] as number);
          dist += diff * diff;
        }
        if (dist < (bestD[NEIGHBOURS - 1] as number)) insertBest(bestD, bestI, dist, s);
      }
      let same = 0;
      let found = 0;
      for (let t = 0; t < NEIGHBOURS; t++) {
        const nb = bestI[t] as number;
        if (nb < 0) continue;
        found++;
        if (y[nb] === y[i]) same++;
      }
      if (found === 0) continue;
      total += same / found;
      counted++;
    }
    return counted > 0 ? total / counted : undefined;
  };
}
