import type { Data } from 'apache-arrow';
import { columnKind } from './_column-kind.js';
import { numericValues } from './_numeric-values.js';
import { dictionaryIndices, dictionaryStrings, forEachBoolean, forEachString } from './_strings.js';
import { isValid, validityOf } from './_validity.js';

/**
 * Counts the values of one categorical column (dictionary, string, boolean or integer) across
 * batches. Dictionary chunks are counted by index and mapped to their strings once per batch.
 */
export class CategoryCounter {
  readonly counts = new Map<string, number>();
  rows = 0;
  nulls = 0;

  /** Rebuilds a counter passed between threads (which keeps its fields but not its class). */
  static fromState(state: { counts: Map<string, number>; rows: number; nulls: number }) {
    const counter = new CategoryCounter();
    for (const [value, count] of state.counts) counter.counts.set(value, count);
    counter.rows = state.rows;
    counter.nulls = state.nulls;
    return counter;
  }

  private add(value: string, count: number): void {
    this.counts.set(value, (this.counts.get(value) ?? 0) + count);
  }

  append(data: Data): void {
    const n = data.length;
    this.rows += n;
    const validity = validityOf(data);
    switch (columnKind(data.type)) {
      case 'dictionary': {
        const strings = dictionaryStrings(data);
        const indices = dictionaryIndices(data);
        const local = new Float64Array(strings.length);
        let valid = 0;
        if (validity === undefined) {
          for (let i = 0; i < n; i++) {
            const k = indices[i] as number;
            local[k] = (local[k] as number) + 1;
          }
          valid = n;
        } else {
          for (let i = 0; i < n; i++) {
            if (!isValid(validity, i)) continue;
            const k = indices[i] as number;
            local[k] = (local[k] as number) + 1;
            valid++;
          }
        }
        this.nulls += n - valid;
        for (let k = 0; k < local.length; k++) {
          const c = local[k] as number;
          if (c === 0) continue;
          const value = strings[k];
          if (value === undefined) this.nulls += c;
          else this.add(value, c);
        }
        return;
      }
      case 'string': {
        let valid = 0;
        forEachString(data, (value) => {
          valid++;
          this.add(value, 1);
        });
        this.nulls += n - valid;
        return;
      }
      case 'boolean': {
        let yes = 0;
        let no = 0;
        forEachBoolean(data, (value) => {
          if (value) yes++;
          else no++;
        });
        if (yes > 0) this.add('true', yes);
        if (no > 0) this.add('false', no);
        this.nulls += n - yes - no;
        return;
      }
      case 'numeric': {
        const values = numericValues(data);
        for (let i = 0; i < n; i++) {
          if (!isValid(validity, i)) {
            this.nulls++;
            continue;
          }
          this.add(String(values[i]), 1);
        }
        return;
      }
      default:
        throw new TypeError(`column type ${String(data.type)} cannot be counted as categories`);
    }
  }
}
