import type { Json } from '../check.js';

/** Readers that recognise metric shapes without trusting them: anything unexpected is `undefined`. */

export type JsonRecord = { [key: string]: Json };

export function isRecord(value: Json | undefined): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function finite(value: Json | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function text(value: Json | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** `{ name: number, … }` with at least `min` entries, all finite numbers. */
export function numberMap(value: Json | undefined, min = 1): Array<[string, number]> | undefined {
  if (!isRecord(value)) return undefined;
  const entries: Array<[string, number]> = [];
  for (const [key, v] of Object.entries(value)) {
    const n = finite(v);
    if (n === undefined) return undefined;
    entries.push([key, n]);
  }
  return entries.length >= min ? entries : undefined;
}

/** `{ outer: { inner: number } }`: every value a number map; `undefined` otherwise. */
export function nestedNumberMap(
  value: Json | undefined,
): Array<[string, Array<[string, number]>]> | undefined {
  if (!isRecord(value)) return undefined;
  const entries: Array<[string, Array<[string, number]>]> = [];
  for (const [key, v] of Object.entries(value)) {
    const inner = numberMap(v);
    if (inner === undefined) return undefined;
    entries.push([key, inner]);
  }
  return entries.length > 0 ? entries : undefined;
}

/** Numbers of an array, or `undefined` when any item is not a finite number. */
export function numberArray(value: Json | undefined): number[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: number[] = [];
  for (const v of value) {
    const n = finite(v);
    if (n === undefined) return undefined;
    out.push(n);
  }
  return out;
}

/** Records of an array, or `undefined` when it is not an array of objects. */
export function recordArray(value: Json | undefined): JsonRecord[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  return value.every(isRecord) ? (value as JsonRecord[]) : undefined;
}

/**
 * A curve: an array of points that all have the same two numeric fields (e.g. `{queries,
 * fidelity}`); the first field is x, the second y.
 */
export function pointSeries(
  value: Json | undefined,
): { x: string; y: string; points: Array<{ x: number; y: number }> } | undefined {
  const items = recordArray(value);
  const first = items?.[0];
  if (items === undefined || first === undefined) return undefined;
  const keys = Object.keys(first);
  if (keys.length !== 2) return undefined;
  const [x, y] = keys as [string, string];
  const points: Array<{ x: number; y: number }> = [];
  for (const item of items) {
    const px = finite(item[x]);
    const py = finite(item[y]);
    if (px === undefined || py === undefined || Object.keys(item).length !== 2) return undefined;
    points.push({ x: px, y: py });
  }
  return { x, y, points };
}
