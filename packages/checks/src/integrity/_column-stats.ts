import { boundValue, type DataContractColumn, type DataContractType } from '@mlwarden/core';
import type { Data, DataType } from 'apache-arrow';
import { type ColumnKind, columnKind, isIntegerType } from '../arrow/_column-kind.js';
import { numericValues } from '../arrow/_numeric-values.js';
import {
  dictionaryIndices,
  dictionaryStrings,
  forEachBoolean,
  forEachString,
} from '../arrow/_strings.js';
import { isValid, validityOf } from '../arrow/_validity.js';
import { KeySet } from './_key-set.js';
import { numberKey, stringKey } from './_row-hasher.js';
import { safeValue } from './_safe-value.js';

const CONTRACT_TYPES: Partial<Record<ColumnKind, DataContractType>> = {
  boolean: 'boolean',
  string: 'string',
  dictionary: 'category',
  temporal: 'datetime',
};

/** The contract type an Arrow type satisfies most naturally. */
export function contractTypeOf(type: DataType): DataContractType | undefined {
  const kind = columnKind(type);
  if (kind === 'numeric') return isIntegerType(type) ? 'integer' : 'float';
  return CONTRACT_TYPES[kind];
}

/** Whether a column of Arrow type `type` satisfies contract type `wanted`. */
export function satisfiesType(type: DataType, wanted: DataContractType): boolean {
  const actual = contractTypeOf(type);
  if (actual === wanted) return true;
  if (wanted === 'float') return actual === 'integer';
  if (wanted === 'string' || wanted === 'category')
    return actual === 'string' || actual === 'category';
  return false;
}

type Value = string | number | boolean;

const NUMBER_LIKE = /^\s*[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?\s*$/;
const BOOLEAN_LIKE = /^\s*(?:true|false|yes|no)\s*$/i;

/** A violation of one contract rule: how often, and where first. */
export interface Violation {
  count: number;
  rows: number[];
  /** Distinct offending values, made safe for reports (allowed-values violations only). */
  values?: string[];
}

/** Value-level rules of a contract column, ready to apply. */
interface Rules {
  min?: number;
  max?: number;
  allowed?: Set<Value>;
  pattern?: RegExp;
  unique: boolean;
}

function rulesOf(column: DataContractColumn | undefined): Rules | undefined {
  if (column === undefined) return undefined;
  const rules: Rules = { unique: column.unique };
  const min = boundValue(column.type, column.min);
  const max = boundValue(column.type, column.max);
  if (min !== undefined) rules.min = min;
  if (max !== undefined) rules.max = max;
  if (column.allowedValues !== undefined) rules.allowed = new Set(column.allowedValues);
  if (column.pattern !== undefined) rules.pattern = new RegExp(`^(?:${column.pattern})$`, 'u');
  return rules;
}

/**
 * Streaming statistics of one column, and the contract violations found in it. Dictionary chunks
 * are evaluated once per dictionary entry and counted through their indices.
 */
export class ColumnStats {
  readonly kind: ColumnKind;
  rows = 0;
  nulls = 0;
  nan = 0;
  infinite = 0;
  /** Finite minimum and maximum (numbers; ms since the epoch for temporal columns). */
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  /** Value counts while there are at most `maxDistinct` distinct values; undefined after. */
  distinct: Map<Value, number> | undefined = new Map();
  /** Kinds of text values: number-like, boolean-like, other. */
  readonly textKinds = { number: 0, boolean: 0, text: 0 };
  readonly violations = {
    nulls: { count: 0, rows: [] } as Violation,
    range: { count: 0, rows: [] } as Violation,
    allowed: { count: 0, rows: [], values: [] } as Violation,
    pattern: { count: 0, rows: [] } as Violation,
    duplicates: { count: 0, rows: [] } as Violation,
  };
  private readonly rules: Rules | undefined;
  private readonly checkNulls: boolean;
  private readonly seen: KeySet | undefined;
  private readonly entryCache = new WeakMap<object, EntryFacts[]>();

  constructor(
    readonly name: string,
    readonly type: DataType,
    contract: DataContractColumn | undefined,
    private readonly maxDistinct: number,
    private readonly samples: number,
    /** Count repeated values even without a `unique` rule (to infer uniqueness). */
    trackUnique = false,
  ) {
    this.kind = columnKind(type);
    const trackable = isIntegerType(type) || this.kind === 'string';
    this.rules = rulesOf(contract) ?? (trackUnique && trackable ? { unique: true } : undefined);
    this.checkNulls = contract !== undefined && !contract.nullable;
    this.seen = this.rules?.unique ? new KeySet() : undefined;
  }

  /** Missing values: nulls plus NaN. */
  get missing(): number {
    return this.nulls + this.nan;
  }

  private note(v: Violation, row: number, value?: Value): void {
    v.count++;
    if (v.rows.length < this.samples) v.rows.push(row);
    if (value !== undefined && v.values !== undefined && v.values.length < this.samples) {
      const shown = safeValue(value);
      if (!v.values.includes(shown)) v.values.push(shown);
    }
  }

  private count(value: Value, times = 1): void {
    if (this.distinct === undefined) return;
    this.distinct.set(value, (this.distinct.get(value) ?? 0) + times);
    if (this.distinct.size > this.maxDistinct) this.distinct = undefined;
  }

  private nullAt(row: number): void {
    this.nulls++;
    if (this.checkNulls) this.note(this.violations.nulls, row);
  }

  /** Checks one non-null value against the value rules; `key` identifies it for uniqueness. */
  private checkValue(value: Value, numeric: number | undefined, key: number, row: number): void {
    const rules = this.rules;
    if (rules === undefined) return;
    if (numeric !== undefined) {
      if (
        (rules.min !== undefined && numeric < rules.min) ||
        (rules.max !== undefined && numeric > rules.max)
      ) {
        this.note(this.violations.range, row);
      }
    }
    if (rules.allowed !== undefined && !rules.allowed.has(value)) {
      this.note(this.violations.allowed, row, value);
    }
    if (rules.pattern !== undefined && typeof value === 'string' && !rules.pattern.test(value)) {
      this.note(this.violations.pattern, row);
    }
    if (this.seen !== undefined && !this.seen.add(key)) this.note(this.violations.duplicates, row);
  }

  private classifyText(value: string): keyof ColumnStats['textKinds'] {
    return NUMBER_LIKE.test(value) ? 'number' : BOOLEAN_LIKE.test(value) ? 'boolean' : 'text';
  }

  /** Adds one chunk of the column; `rowBase` is the dataset row index of its first row. */
  append(data: Data, rowBase: number): void {
    const n = data.length;
    this.rows += n;
    const validity = validityOf(data);
    switch (this.kind) {
      case 'numeric':
      case 'temporal': {
        const values = numericValues(data);
        for (let i = 0; i < n; i++) {
          if (!isValid(validity, i)) {
            this.nullAt(rowBase + i);
            continue;
          }
          const v = values[i] as number;
          if (v - v !== 0) {
            if (Number.isNaN(v)) {
              this.nan++;
              if (this.checkNulls) this.note(this.violations.nulls, rowBase + i);
            } else {
              this.infinite++;
              if (this.rules !== undefined) this.checkValue(v, v, numberKey(v), rowBase + i);
            }
            continue;
          }
          if (v < this.min) this.min = v;
          if (v > this.max) this.max = v;
          if (this.distinct !== undefined) this.count(v);
          if (this.rules !== undefined) {
            this.checkValue(v, v, this.seen !== undefined ? numberKey(v) : 0, rowBase + i);
          }
        }
        return;
      }
      case 'boolean': {
        let valid = 0;
        forEachBoolean(data, (value, i) => {
          valid++;
          this.count(value);
          if (this.rules !== undefined)
            this.checkValue(value, undefined, value ? 1 : 2, rowBase + i);
        });
        for (let i = 0; i < n && valid < n; i++)
          if (!isValid(validity, i)) this.nullAt(rowBase + i);
        return;
      }
      case 'string': {
        let valid = 0;
        forEachString(data, (value, i) => {
          valid++;
          this.textKinds[this.classifyText(value)]++;
          this.count(value);
          if (this.rules !== undefined) {
            this.checkValue(
              value,
              undefined,
              this.seen !== undefined ? stringKey(value) : 0,
              rowBase + i,
            );
          }
        });
        for (let i = 0; i < n && valid < n; i++)
          if (!isValid(validity, i)) this.nullAt(rowBase + i);
        return;
      }
      case 'dictionary': {
        const facts = this.dictionaryFacts(data);
        const indices = dictionaryIndices(data);
        const counts = new Float64Array(facts.length);
        for (let i = 0; i < n; i++) {
          if (!isValid(validity, i)) {
            this.nullAt(rowBase + i);
            continue;
          }
          const k = indices[i] as number;
          const fact = facts[k] as EntryFacts;
          if (fact.value === undefined) {
            this.nullAt(rowBase + i);
            continue;
          }
          counts[k] = (counts[k] as number) + 1;
          if (fact.violates || this.seen !== undefined) {
            this.checkValue(fact.value, undefined, fact.key, rowBase + i);
          }
        }
        for (let k = 0; k < facts.length; k++) {
          const c = counts[k] as number;
          if (c === 0) continue;
          const fact = facts[k] as EntryFacts;
          this.textKinds[fact.textKind] += c;
          this.count(fact.value as string, c);
        }
        return;
      }
      default:
        for (let i = 0; i < n; i++) if (!isValid(validity, i)) this.nulls++;
        this.distinct = undefined;
    }
  }

  private dictionaryFacts(data: Data): EntryFacts[] {
    const key = data.dictionary as object;
    let facts = this.entryCache.get(key);
    if (facts === undefined) {
      const rules = this.rules;
      facts = dictionaryStrings(data).map((value) => {
        if (value === undefined)
          return { value, key: 0, textKind: 'text' as const, violates: false };
        const violates =
          rules !== undefined &&
          ((rules.allowed !== undefined && !rules.allowed.has(value)) ||
            (rules.pattern !== undefined && !rules.pattern.test(value)));
        return { value, key: stringKey(value), textKind: this.classifyText(value), violates };
      });
      this.entryCache.set(key, facts);
    }
    return facts;
  }
}

interface EntryFacts {
  value: string | undefined;
  key: number;
  textKind: 'number' | 'boolean' | 'text';
  /** Whether the entry breaks the allowed-values or pattern rule. */
  violates: boolean;
}
