import { InputError } from '@mlwarden/core';
import type { Data, Field } from 'apache-arrow';
import { columnKind } from '../arrow/_column-kind.js';
import { numericValues } from '../arrow/_numeric-values.js';
import {
  dictionaryIndices,
  dictionaryStrings,
  forEachBoolean,
  forEachString,
} from '../arrow/_strings.js';
import { isValid, validityOf } from '../arrow/_validity.js';

/** Outcome codes written per row. */
export const NEGATIVE = 0;
export const POSITIVE = 1;
export const MISSING = 2;
export const NOT_A_NUMBER = 3;

/** Distinct values other than the positive one that are remembered, to describe a label. */
const MAX_REMEMBERED = 4;

export type PositiveLabel = string | number | boolean;

function checkKind(field: Field, source: string, role: string, numericOnly: boolean): void {
  const kind = columnKind(field.type);
  const ok = numericOnly
    ? kind === 'numeric'
    : kind === 'numeric' || kind === 'boolean' || kind === 'string' || kind === 'dictionary';
  if (!ok) {
    throw new InputError(
      `${source}: ${role} column "${field.name}" has type ${String(field.type)}, which cannot be read as ${numericOnly ? 'a score' : 'an outcome'}`,
      {
        hint: numericOnly
          ? 'a score column must be numeric (a probability or decision value)'
          : 'use a boolean, integer, string or dictionary column',
      },
    );
  }
}

/**
 * Reads a label or prediction column as binary outcomes: the positive label is POSITIVE, every
 * other value NEGATIVE (one-vs-rest), null MISSING. It remembers a few of the other values so that
 * a multi-class column or a wrong `positiveLabel` can be reported.
 */
export class OutcomeReader {
  /** Up to a few distinct values seen besides the positive one. */
  readonly others = new Set<string>();
  positives = 0;
  private readonly text: string;
  private readonly number: number;
  private readonly bool: boolean | undefined;
  private readonly dictionaries = new WeakMap<object, Uint8Array>();

  constructor(
    readonly field: Field,
    positive: PositiveLabel,
    source: string,
    role: string,
  ) {
    checkKind(field, source, role, false);
    this.text = String(positive);
    this.number = typeof positive === 'boolean' ? Number(positive) : Number(positive);
    this.bool =
      positive === true || positive === 1 || positive === 'true'
        ? true
        : positive === false || positive === 0 || positive === 'false'
          ? false
          : undefined;
  }

  private remember(value: string): void {
    if (this.others.size < MAX_REMEMBERED) this.others.add(value);
  }

  read(data: Data, out: Uint8Array): void {
    const n = data.length;
    const validity = validityOf(data);
    const start = this.positives;
    switch (columnKind(data.type)) {
      case 'dictionary': {
        let map = this.dictionaries.get(data.dictionary as object);
        if (map === undefined) {
          const strings = dictionaryStrings(data);
          map = new Uint8Array(strings.length);
          for (let k = 0; k < strings.length; k++) {
            const s = strings[k];
            if (s === undefined) map[k] = MISSING;
            else if (s === this.text) map[k] = POSITIVE;
            else map[k] = NEGATIVE;
          }
          this.dictionaries.set(data.dictionary as object, map);
        }
        const indices = dictionaryIndices(data);
        const strings = dictionaryStrings(data);
        for (let i = 0; i < n; i++) {
          if (!isValid(validity, i)) {
            out[i] = MISSING;
            continue;
          }
          const k = indices[i] as number;
          const code = map[k] as number;
          out[i] = code;
          if (code === POSITIVE) this.positives++;
          else if (code === NEGATIVE && this.others.size < MAX_REMEMBERED) {
            this.remember(strings[k] as string);
          }
        }
        return;
      }
      case 'string': {
        out.fill(MISSING, 0, n);
        forEachString(data, (value, row) => {
          if (value === this.text) {
            out[row] = POSITIVE;
            this.positives++;
          } else {
            out[row] = NEGATIVE;
            this.remember(value);
          }
        });
        return;
      }
      case 'boolean': {
        out.fill(MISSING, 0, n);
        forEachBoolean(data, (value, row) => {
          if (value === this.bool) {
            out[row] = POSITIVE;
            this.positives++;
          } else {
            out[row] = NEGATIVE;
            this.remember(String(value));
          }
        });
        return;
      }
      default: {
        const values = numericValues(data);
        const positive = this.number;
        let count = 0;
        let lastOther = Number.NaN;
        for (let i = 0; i < n; i++) {
          if (!isValid(validity, i)) {
            out[i] = MISSING;
            continue;
          }
          const v = values[i] as number;
          if (v === positive) {
            out[i] = POSITIVE;
            count++;
          } else if (Number.isNaN(v)) {
            out[i] = MISSING;
          } else {
            out[i] = NEGATIVE;
            if (v !== lastOther) {
              lastOther = v;
              this.remember(String(v));
            }
          }
        }
        this.positives = start + count;
      }
    }
  }
}

/** Reads a numeric score column as predictions: `score >= threshold` is POSITIVE. */
export class ScoreReader {
  positives = 0;

  constructor(
    readonly field: Field,
    readonly threshold: number,
    source: string,
  ) {
    checkKind(field, source, 'score', true);
  }

  read(data: Data, out: Uint8Array): void {
    const n = data.length;
    const validity = validityOf(data);
    const values = numericValues(data);
    const t = this.threshold;
    let count = 0;
    for (let i = 0; i < n; i++) {
      if (!isValid(validity, i)) {
        out[i] = MISSING;
        continue;
      }
      const v = values[i] as number;
      if (Number.isNaN(v)) out[i] = NOT_A_NUMBER;
      else if (v >= t) {
        out[i] = POSITIVE;
        count++;
      } else out[i] = NEGATIVE;
    }
    this.positives += count;
  }
}
