import { InputError } from '@mlwarden/core';
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

/** Label of the group of rows whose value is null (or NaN in a float column). */
export const NULL_GROUP = '(null)';

/**
 * Gives the values of one categorical column dense integer codes (0, 1, …) that stay the same
 * across record batches. Dictionary chunks are mapped once per dictionary and then read by index;
 * string, boolean and numeric chunks are looked up per value. Nulls (and NaN) share one code.
 */
export class CategoryCoder {
  /** Value of each code. */
  readonly labels: string[] = [];
  private readonly byString = new Map<string, number>();
  private readonly byNumber = new Map<number, number>();
  private readonly dictionaries = new WeakMap<object, Int32Array>();

  constructor(
    readonly column: string,
    readonly maxCodes: number,
    readonly source: string,
  ) {}

  get size(): number {
    return this.labels.length;
  }

  codeOf(label: string): number {
    const known = this.byString.get(label);
    if (known !== undefined) return known;
    if (this.labels.length >= this.maxCodes) {
      throw new InputError(
        `${this.source}: column "${this.column}" has more than ${this.maxCodes} distinct values`,
        {
          hint: 'a sensitive feature or trigger column must be categorical; bin it first, or raise maxGroups if so many groups are intended',
        },
      );
    }
    const code = this.labels.length;
    this.labels.push(label);
    this.byString.set(label, code);
    return code;
  }

  private numberCode(value: number): number {
    const known = this.byNumber.get(value);
    if (known !== undefined) return known;
    const code = Number.isNaN(value) ? this.codeOf(NULL_GROUP) : this.codeOf(String(value));
    this.byNumber.set(value, code);
    return code;
  }

  private dictionaryMap(data: Data): Int32Array {
    const dictionary = data.dictionary as object;
    let map = this.dictionaries.get(dictionary);
    if (map === undefined) {
      const strings = dictionaryStrings(data);
      map = new Int32Array(strings.length);
      for (let k = 0; k < strings.length; k++) {
        const s = strings[k];
        map[k] = this.codeOf(s === undefined ? NULL_GROUP : s);
      }
      this.dictionaries.set(dictionary, map);
    }
    return map;
  }

  /** Writes the code of each row of `data` into `out[0 … data.length)`. */
  encode(data: Data, out: Int32Array): void {
    const n = data.length;
    const validity = validityOf(data);
    switch (columnKind(data.type)) {
      case 'dictionary': {
        const map = this.dictionaryMap(data);
        const indices = dictionaryIndices(data);
        if (validity === undefined) {
          for (let i = 0; i < n; i++) out[i] = map[indices[i] as number] as number;
        } else {
          let nullCode = -1;
          for (let i = 0; i < n; i++) {
            if (isValid(validity, i)) out[i] = map[indices[i] as number] as number;
            else {
              if (nullCode < 0) nullCode = this.codeOf(NULL_GROUP);
              out[i] = nullCode;
            }
          }
        }
        return;
      }
      case 'string':
      case 'boolean': {
        if (validity !== undefined) out.fill(this.codeOf(NULL_GROUP), 0, n);
        if (columnKind(data.type) === 'string') {
          forEachString(data, (value, row) => {
            out[row] = this.codeOf(value);
          });
        } else {
          const no = this.codeOf('false');
          const yes = this.codeOf('true');
          forEachBoolean(data, (value, row) => {
            out[row] = value ? yes : no;
          });
        }
        return;
      }
      case 'numeric': {
        const values = numericValues(data);
        let last = Number.NaN;
        let lastCode = -1;
        for (let i = 0; i < n; i++) {
          if (!isValid(validity, i)) {
            out[i] = this.codeOf(NULL_GROUP);
            continue;
          }
          const v = values[i] as number;
          if (v !== last) {
            last = v;
            lastCode = this.numberCode(v);
          }
          out[i] = lastCode;
        }
        return;
      }
      default:
        throw new InputError(
          `${this.source}: column "${this.column}" has type ${String(data.type)}, which cannot be read as categories`,
          { hint: 'use a string, dictionary, boolean or integer column' },
        );
    }
  }
}
