import type { Data } from 'apache-arrow';
import { columnKind } from '../arrow/_column-kind.js';
import { numericValues } from '../arrow/_numeric-values.js';
import {
  dictionaryIndices,
  dictionaryStrings,
  forEachBoolean,
  forEachString,
} from '../arrow/_strings.js';
import { isValid, validityOf } from '../arrow/_validity.js';
import { createRandom } from '../stats/_random.js';

/** Largest number of label classes for which leakage and class balance are computed. */
export const MAX_CLASSES = 50;
/** Most bins of a numeric feature; fewer for small datasets (about ten rows per bin). */
const MAX_NUMERIC_BINS = 256;
const MAX_CODES = 64;
const SAMPLE = 8192;

function concat<T extends Int32Array | Float64Array>(
  chunks: readonly T[],
  make: (n: number) => T,
): T {
  const out = make(chunks.reduce((sum, c) => sum + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** Codes of one categorical column per row (−1 for null), values interned by first appearance. */
class CodedColumn {
  readonly ids = new Map<string, number>();
  private chunks: Int32Array[] = [];
  /** Set when a chunk had more distinct values than the cap allows (the column is skipped). */
  overflow = false;

  constructor(private readonly cap: number) {}

  private id(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.ids.size;
      if (id >= this.cap) {
        this.overflow = true;
        return -1;
      }
      this.ids.set(value, id);
    }
    return id;
  }

  append(data: Data): void {
    const n = data.length;
    const codes = new Int32Array(n).fill(-1);
    const kind = columnKind(data.type);
    if (kind === 'dictionary') {
      const strings = dictionaryStrings(data);
      const local = strings.map((s) => (s === undefined ? -1 : this.id(s)));
      const indices = dictionaryIndices(data);
      const validity = validityOf(data);
      for (let i = 0; i < n; i++)
        if (isValid(validity, i)) codes[i] = local[indices[i] as number] as number;
    } else if (kind === 'string') {
      forEachString(data, (value, i) => {
        codes[i] = this.id(value);
      });
    } else if (kind === 'boolean') {
      forEachBoolean(data, (value, i) => {
        codes[i] = this.id(String(value));
      });
    } else {
      const values = numericValues(data);
      const validity = validityOf(data);
      for (let i = 0; i < n; i++) {
        const v = values[i] as number;
        if (isValid(validity, i) && v - v === 0) codes[i] = this.id(String(v));
      }
    }
    this.chunks.push(codes);
  }

  codes(): Int32Array {
    return concat(this.chunks, (n) => new Int32Array(n));
  }
}

/** Values of one numeric column per row (NaN for null). */
class NumberColumn {
  private chunks: Float64Array[] = [];
  append(data: Data): void {
    const values = numericValues(data);
    const validity = validityOf(data);
    const out = new Float64Array(data.length);
    for (let i = 0; i < data.length; i++)
      out[i] = isValid(validity, i) ? (values[i] as number) : Number.NaN;
    this.chunks.push(out);
  }
  values(): Float64Array {
    return concat(this.chunks, (n) => new Float64Array(n));
  }
}

export interface LeakageScore {
  feature: string;
  /** (accuracy − baseline) / (1 − baseline): 0 is no better than the majority class, 1 is perfect. */
  score: number;
  accuracy: number;
  baseline: number;
}

export interface LabelReport {
  /** Class counts, largest first (undefined when the label has too many values). */
  classes?: { value: string; count: number }[];
  leakage: LeakageScore[];
  skipped?: string;
}

/** Bins of a numeric feature: interior quantiles of a seeded sample; NaN goes to its own bin. */
function numericBins(values: Float64Array, seed: number): Int32Array {
  const binCount = Math.max(10, Math.min(MAX_NUMERIC_BINS, Math.floor(values.length / 10)));
  const random = createRandom(seed);
  const finite: number[] = [];
  for (let k = 0; k < SAMPLE && values.length > 0; k++) {
    const v = values[Math.floor(random() * values.length)] as number;
    if (v - v === 0) finite.push(v);
  }
  finite.sort((a, b) => a - b);
  const edges = [
    ...new Set(
      Array.from(
        { length: binCount - 1 },
        (_, k) => finite[Math.floor(((k + 1) * finite.length) / binCount)],
      ),
    ),
  ].filter((e): e is number => e !== undefined);
  const bins = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v - v !== 0) {
      bins[i] = Number.isNaN(v) ? edges.length + 1 : v > 0 ? edges.length : 0;
      continue;
    }
    let lo = 0;
    let hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((edges[mid] as number) < v) lo = mid + 1;
      else hi = mid;
    }
    bins[i] = lo;
  }
  return bins;
}

/** Codes of a categorical feature folded to at most MAX_CODES bins (rare values share one). */
function categoricalBins(codes: Int32Array): Int32Array {
  const counts = new Map<number, number>();
  for (const c of codes) counts.set(c, (counts.get(c) ?? 0) + 1);
  const kept = new Map(
    [...counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, MAX_CODES - 1)
      .map(([code], i) => [code, i]),
  );
  const bins = new Int32Array(codes.length);
  for (let i = 0; i < codes.length; i++) bins[i] = kept.get(codes[i] as number) ?? MAX_CODES - 1;
  return bins;
}

/**
 * Out-of-sample accuracy of predicting the label from one binned feature: the majority label of
 * each bin is learnt on the even rows and tested on the odd rows, and the other way round.
 */
function score(
  bins: Int32Array,
  labels: Int32Array,
  classes: number,
): Omit<LeakageScore, 'feature'> {
  let binCount = 0;
  for (const b of bins) if (b + 1 > binCount) binCount = b + 1;
  const table = [new Float64Array(binCount * classes), new Float64Array(binCount * classes)];
  const classTotals = [new Float64Array(classes), new Float64Array(classes)];
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i] as number;
    if (y < 0) continue;
    const fold = i & 1;
    const t = table[fold] as Float64Array;
    const cell = (bins[i] as number) * classes + y;
    t[cell] = (t[cell] as number) + 1;
    const ct = classTotals[fold] as Float64Array;
    ct[y] = (ct[y] as number) + 1;
  }
  let correct = 0;
  let baselineCorrect = 0;
  let total = 0;
  for (const fold of [0, 1]) {
    const train = table[1 - fold] as Float64Array;
    const test = table[fold] as Float64Array;
    const trainTotals = classTotals[1 - fold] as Float64Array;
    let majority = 0;
    for (let y = 1; y < classes; y++)
      if ((trainTotals[y] as number) > (trainTotals[majority] as number)) majority = y;
    for (let b = 0; b < binCount; b++) {
      let best = -1;
      let bestCount = 0;
      for (let y = 0; y < classes; y++) {
        const c = train[b * classes + y] as number;
        if (c > bestCount) {
          best = y;
          bestCount = c;
        }
      }
      const predicted = best < 0 ? majority : best;
      for (let y = 0; y < classes; y++) {
        const c = test[b * classes + y] as number;
        total += c;
        if (y === predicted) correct += c;
        if (y === majority) baselineCorrect += c;
      }
    }
  }
  const accuracy = total === 0 ? 0 : correct / total;
  const baseline = total === 0 ? 0 : baselineCorrect / total;
  return {
    accuracy,
    baseline,
    score: baseline >= 1 ? 0 : Math.max(0, (accuracy - baseline) / (1 - baseline)),
  };
}

/** Collects the label and the features of a dataset, then scores single-feature leakage. */
export class LabelLeakage {
  private readonly label = new CodedColumn(MAX_CLASSES);
  private readonly features = new Map<string, CodedColumn | NumberColumn>();

  constructor(
    private readonly labelName: string,
    features: readonly { name: string; numeric: boolean }[],
    private readonly seed: number,
  ) {
    for (const f of features) {
      this.features.set(
        f.name,
        f.numeric ? new NumberColumn() : new CodedColumn(Number.POSITIVE_INFINITY),
      );
    }
  }

  append(columns: ReadonlyMap<string, Data>): void {
    const label = columns.get(this.labelName);
    if (label === undefined) return;
    this.label.append(label);
    for (const [name, collector] of this.features) {
      const data = columns.get(name);
      if (data !== undefined) collector.append(data);
    }
  }

  report(): LabelReport {
    if (this.label.overflow) {
      return {
        leakage: [],
        skipped: `the label has more than ${MAX_CLASSES} distinct values; leakage and class balance apply to classification labels`,
      };
    }
    const labels = this.label.codes();
    const classes = this.label.ids.size;
    const counts = new Float64Array(classes);
    for (const y of labels) if (y >= 0) counts[y] = (counts[y] as number) + 1;
    const names = [...this.label.ids.keys()];
    const classList = names
      .map((value, i) => ({ value, count: counts[i] as number }))
      .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
    if (classes < 2)
      return { classes: classList, leakage: [], skipped: 'the label has fewer than two classes' };
    const leakage: LeakageScore[] = [];
    for (const [feature, collector] of this.features) {
      const bins =
        collector instanceof NumberColumn
          ? numericBins(collector.values(), this.seed)
          : categoricalBins(collector.codes());
      leakage.push({ feature, ...score(bins, labels, classes) });
    }
    leakage.sort((a, b) => b.score - a.score);
    return { classes: classList, leakage };
  }
}
