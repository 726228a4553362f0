import type { Json } from '@mlwarden/core';

/** Numeric bounds of an expectation (`min_value`, `max_value`), used to say where a value fell. */
export interface MaskBounds {
  min?: number;
  max?: number;
}

const MAX_SHAPE = 32;

function charClass(ch: string): string {
  if (/\p{Lu}/u.test(ch)) return 'A';
  if (/\p{L}/u.test(ch)) return 'a';
  if (/\p{N}/u.test(ch)) return '9';
  if (/\s/u.test(ch)) return '_';
  if (/[\p{P}\p{S}]/u.test(ch)) return ch;
  return '?';
}

/**
 * The character-class shape of a string with runs collapsed: letters become `A`/`a`, digits `9`,
 * whitespace `_`, punctuation stays. `john.doe@gmail.com` → `a.a@a.a`, `ZONE9` → `A9`.
 */
export function stringShape(value: string): string {
  let shape = '';
  let last = '';
  let length = 0;
  for (const ch of value) {
    const c = charClass(ch);
    if (c === last && (c === 'A' || c === 'a' || c === '9' || c === '_')) continue;
    last = c;
    if (length >= MAX_SHAPE) return `${shape}…`;
    shape += c;
    length++;
  }
  return shape;
}

/**
 * Describes a data value without revealing it: its type, and for strings their length and shape,
 * for numbers where they fall against the expectation's bounds. Data values from GX results are
 * treated like personal data; only these descriptions reach findings.
 */
export function maskValue(value: unknown, bounds: MaskBounds = {}): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return '<boolean>';
  if (typeof value === 'number') {
    const kind = 'number';
    if (Number.isNaN(value)) return '<number NaN>';
    if (bounds.min !== undefined && value < bounds.min) return `<${kind} below min_value>`;
    if (bounds.max !== undefined && value > bounds.max) return `<${kind} above max_value>`;
    if (bounds.min !== undefined || bounds.max !== undefined) return `<${kind} within bounds>`;
    return `<${kind}>`;
  }
  if (typeof value === 'string') {
    return `<string len=${[...value].length} shape=${stringShape(value)}>`;
  }
  if (Array.isArray(value)) return `<array len=${value.length}>`;
  if (typeof value === 'object') return `<object keys=${Object.keys(value).length}>`;
  return `<${typeof value}>`;
}

export interface SanitizeOptions {
  /** Strings that may appear as they are (values the suite itself names, e.g. its value_set). */
  known?: ReadonlySet<string>;
  /** Items kept per array and keys per object. Default 20. */
  maxItems?: number;
  /** Nesting kept. Default 4. */
  maxDepth?: number;
}

/**
 * A JSON value fit for a report: strings masked unless the suite itself names them, numbers,
 * booleans and null kept (GX's aggregate statistics such as means and row counts), arrays and
 * objects shortened. Object keys are kept: GX uses fixed names for them.
 */
export function sanitizeJson(value: unknown, options: SanitizeOptions = {}, depth = 0): Json {
  const maxItems = options.maxItems ?? 20;
  const maxDepth = options.maxDepth ?? 4;
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') return options.known?.has(value) ? value : maskValue(value);
  if (depth >= maxDepth) return maskValue(value);
  if (Array.isArray(value)) {
    const out: Json[] = value.slice(0, maxItems).map((v) => sanitizeJson(v, options, depth + 1));
    if (value.length > maxItems) out.push(`<${value.length - maxItems} more>`);
    return out;
  }
  if (typeof value === 'object') {
    const out: Record<string, Json> = {};
    const entries = Object.entries(value);
    for (const [k, v] of entries.slice(0, maxItems)) out[k] = sanitizeJson(v, options, depth + 1);
    if (entries.length > maxItems) out['…'] = `<${entries.length - maxItems} more keys>`;
    return out;
  }
  return maskValue(value);
}
