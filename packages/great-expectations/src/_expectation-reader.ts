import { InputError, type Json } from '@mlwarden/core';
import { isOmitted, type JsonScanner } from './_json-scanner.js';
import type { GxExpectationFailure, GxMaskedSample } from './gx-types.js';
import { type MaskBounds, maskValue, sanitizeJson } from './mask-value.js';

/** Raw unexpected values looked at per list to build the masked sample. */
const LIST_KEEP = 200;
/** Bytes kept of an observed value, its details or an exception record. */
const SMALL_VALUE = 1 << 20;

/** Expectations whose observed strings are column names or dtype names, not data. */
const SCHEMA_OBSERVATIONS = new Set([
  'expect_table_columns_to_match_set',
  'expect_table_columns_to_match_ordered_list',
  'expect_column_values_to_be_of_type',
  'expect_column_values_to_be_in_type_list',
]);

export interface ExpectationOutcome {
  /** Which key named the expectation: GX 1.x `type`, 0.x `expectation_type`, or describe output. */
  typeKey: 'type' | 'expectation_type' | 'describe';
  success: boolean;
  exception: boolean;
  /** The element is an expectation configuration (of a suite), not a result. */
  configuration?: boolean;
  failure?: GxExpectationFailure;
}

interface RawResult {
  observed?: unknown;
  hasObserved: boolean;
  details?: unknown;
  numbers: Record<string, number>;
  counts?: unknown[];
  list?: unknown[];
  listLength?: number;
  rows?: unknown[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readList(
  scanner: JsonScanner,
  path: string,
  keep: number,
): { items: unknown[]; length: number } {
  if (scanner.peekKind() !== 'array') {
    scanner.skip(path);
    return { items: [], length: 0 };
  }
  const items: unknown[] = [];
  let length = 0;
  scanner.openArray(path);
  while (scanner.nextItem(path)) {
    const itemPath = `${path}[${length}]`;
    if (length < keep) items.push(scanner.readBounded(itemPath, 1 << 16));
    else scanner.skip(itemPath);
    length++;
  }
  return { items, length };
}

const RESULT_NUMBERS: Record<string, string> = {
  element_count: 'elementCount',
  missing_count: 'missingCount',
  missing_percent: 'missingPercent',
  unexpected_count: 'unexpectedCount',
  unexpected_percent: 'unexpectedPercent',
  unexpected_percent_nonmissing: 'unexpectedPercentNonmissing',
};

function readResult(scanner: JsonScanner, path: string): RawResult {
  const raw: RawResult = { hasObserved: false, numbers: {} };
  if (scanner.peekKind() !== 'object') {
    scanner.skip(path);
    return raw;
  }
  scanner.openObject(path);
  for (let key = scanner.nextKey(path); key !== undefined; key = scanner.nextKey(path)) {
    const at = `${path}.${key}`;
    switch (key) {
      case 'observed_value':
        raw.observed = scanner.readBounded(at, SMALL_VALUE);
        raw.hasObserved = true;
        break;
      case 'details':
        raw.details = scanner.readBounded(at, SMALL_VALUE);
        break;
      case 'partial_unexpected_counts':
        raw.counts = readList(scanner, at, LIST_KEEP).items;
        break;
      case 'partial_unexpected_list':
      case 'unexpected_list': {
        // Prefer the full list's length; either list gives the sample.
        const { items, length } = readList(scanner, at, LIST_KEEP);
        if (raw.list === undefined || key === 'unexpected_list') {
          raw.list = items;
          raw.listLength = length;
        }
        break;
      }
      case 'partial_unexpected_index_list':
        raw.rows = readList(scanner, at, LIST_KEEP).items;
        break;
      default: {
        const field = RESULT_NUMBERS[key];
        if (field !== undefined && scanner.peekKind() === 'number') {
          const n = scanner.readValue(at, 64);
          if (typeof n === 'number') raw.numbers[field] = n;
        } else {
          // unexpected_index_query and the like copy data verbatim: never kept.
          scanner.skip(at);
        }
      }
    }
  }
  return raw;
}

/** Exception message of an `exception_info` in either form (flat, or keyed by metric id). */
export function exceptionOf(info: unknown): { message: string } | undefined {
  if (!isRecord(info)) return undefined;
  const single = (record: Record<string, unknown>): { message: string } | undefined => {
    const raised = record.raised_exception === true;
    const message = record.exception_message;
    if (!raised && (message === null || message === undefined)) return undefined;
    return {
      message: typeof message === 'string' && message !== '' ? message : 'exception raised',
    };
  };
  if ('raised_exception' in info || 'exception_message' in info) return single(info);
  for (const value of Object.values(info)) {
    if (isRecord(value)) {
      const found = single(value);
      if (found) return found;
    }
  }
  return undefined;
}

function shortenConfig(value: unknown): Json {
  if (typeof value === 'string') return value.length > 200 ? `${value.slice(0, 200)}…` : value;
  if (Array.isArray(value)) {
    const out = value.slice(0, 50).map(shortenConfig);
    if (value.length > 50) out.push(`<${value.length - 50} more>`);
    return out;
  }
  if (isRecord(value)) {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value)) out[k] = shortenConfig(v);
    return out;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  return null;
}

function knownStrings(kwargs: Record<string, unknown>): Set<string> {
  const known = new Set<string>();
  const add = (v: unknown) => {
    if (typeof v === 'string') known.add(v);
    else if (Array.isArray(v)) for (const x of v) if (typeof x === 'string') known.add(x);
  };
  for (const [k, v] of Object.entries(kwargs)) if (k !== 'batch_id') add(v);
  return known;
}

function sample(
  raw: RawResult,
  bounds: MaskBounds,
  size: number,
): { samples: GxMaskedSample[]; truncated: boolean } {
  const groups = new Map<string, number>();
  let listed = 0;
  if (raw.counts !== undefined && raw.counts.length > 0) {
    for (const entry of raw.counts) {
      if (!isRecord(entry)) continue;
      const count = typeof entry.count === 'number' ? entry.count : 1;
      const key = maskValue(entry.value, bounds);
      groups.set(key, (groups.get(key) ?? 0) + count);
      listed++;
    }
  } else if (raw.list !== undefined) {
    for (const value of raw.list) {
      const key = isOmitted(value) ? '<omitted>' : maskValue(value, bounds);
      groups.set(key, (groups.get(key) ?? 0) + 1);
    }
    listed = raw.listLength ?? raw.list.length;
  }
  const all = [...groups.entries()]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  const truncated =
    all.length > size ||
    (raw.list !== undefined && (raw.listLength ?? 0) > raw.list.length) ||
    (raw.counts !== undefined && listed > LIST_KEEP);
  return { samples: all.slice(0, size), truncated };
}

/**
 * An exception message with quoted text masked unless the suite names it (a column, a value of
 * the value set): errors such as "could not convert string to float: 'x'" quote data values.
 */
export function maskQuoted(message: string, known: ReadonlySet<string>): string {
  const short = message.length > 500 ? `${message.slice(0, 500)}…` : message;
  return short.replace(/'([^'\n]*)'|"([^"\n]*)"/g, (whole, single?: string, double?: string) => {
    const inner = single ?? double ?? '';
    return known.has(inner) ? whole : maskValue(inner);
  });
}

function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

interface Collected {
  success?: unknown;
  config?: unknown;
  describeType?: unknown;
  describeKwargs?: unknown;
  raw: RawResult;
  exceptionInfo?: unknown;
}

/** Elements up to this size are parsed in one go; bigger ones are walked piece by piece. */
const INLINE_LIMIT = 256 << 10;

function rawFromObject(result: unknown): RawResult {
  const raw: RawResult = { hasObserved: false, numbers: {} };
  if (!isRecord(result)) return raw;
  if ('observed_value' in result) {
    raw.observed = result.observed_value;
    raw.hasObserved = true;
  }
  if ('details' in result) raw.details = result.details;
  if (Array.isArray(result.partial_unexpected_counts)) {
    raw.counts = result.partial_unexpected_counts.slice(0, LIST_KEEP);
  }
  const list = Array.isArray(result.unexpected_list)
    ? result.unexpected_list
    : Array.isArray(result.partial_unexpected_list)
      ? result.partial_unexpected_list
      : undefined;
  if (list !== undefined) {
    raw.list = list.slice(0, LIST_KEEP);
    raw.listLength = list.length;
  }
  if (Array.isArray(result.partial_unexpected_index_list)) {
    raw.rows = result.partial_unexpected_index_list.slice(0, LIST_KEEP);
  }
  for (const [key, field] of Object.entries(RESULT_NUMBERS)) {
    const n = result[key];
    if (typeof n === 'number') raw.numbers[field] = n;
  }
  return raw;
}

function collectStreaming(
  scanner: JsonScanner,
  path: string,
  options: { maxValueBytes: number },
): Collected {
  const collected: Collected = { raw: { hasObserved: false, numbers: {} } };
  scanner.openObject(path);
  for (let key = scanner.nextKey(path); key !== undefined; key = scanner.nextKey(path)) {
    const at = `${path}.${key}`;
    switch (key) {
      case 'success':
        collected.success = scanner.readValue(at, 64);
        break;
      case 'expectation_config':
        collected.config = scanner.readValue(at, options.maxValueBytes);
        break;
      case 'expectation_type':
        collected.describeType = scanner.readValue(at, 1 << 16);
        break;
      case 'kwargs':
        collected.describeKwargs = scanner.readValue(at, options.maxValueBytes);
        break;
      case 'result':
        collected.raw = readResult(scanner, at);
        break;
      case 'exception_info':
        collected.exceptionInfo = scanner.readBounded(at, SMALL_VALUE);
        break;
      default:
        scanner.skip(at);
    }
  }
  return collected;
}

/**
 * Reads one element of a suite result's `results` (or a describe output's `expectations`) and
 * keeps what a finding needs, with data values masked. Raw values never leave this function.
 * Small elements are parsed whole; large ones (long unexpected lists) are walked piece by piece
 * so that memory stays bounded.
 */
export function readExpectationResult(
  scanner: JsonScanner,
  path: string,
  index: number,
  options: { sampleSize: number; maxValueBytes: number; allowConfigurations?: boolean },
): ExpectationOutcome {
  if (scanner.peekKind() !== 'object') {
    throw new InputError(
      `${scanner.name}: ${path} is a ${scanner.peekKind()}, not an expectation result object`,
      { hint: 'this does not look like Great Expectations output' },
    );
  }
  let collected: Collected;
  const small = scanner.readIfSmall(path, INLINE_LIMIT);
  if (small !== undefined && isRecord(small.value)) {
    const v = small.value;
    collected = {
      success: v.success,
      config: v.expectation_config,
      describeType: v.expectation_type,
      describeKwargs: v.kwargs,
      raw: rawFromObject(v.result),
      exceptionInfo: v.exception_info,
    };
  } else {
    collected = collectStreaming(scanner, path, options);
  }
  const { success, config, describeType, describeKwargs, raw, exceptionInfo } = collected;
  if (success === undefined && options.allowConfigurations) {
    return { typeKey: 'describe', configuration: true, success: false, exception: false };
  }
  const cfg = isRecord(config) ? config : {};
  const type = cfg.type ?? cfg.expectation_type ?? describeType;
  if (typeof type !== 'string' || type === '') {
    const where =
      config === undefined ? `${path}.expectation_config` : `${path}.expectation_config.type`;
    throw new InputError(
      `${scanner.name}: ${where} is missing: an expectation result needs \`expectation_config.type\` (GX 1.x) or \`expectation_config.expectation_type\` (GX 0.x)`,
      { hint: 'this does not look like a Great Expectations validation result' },
    );
  }
  if (typeof success !== 'boolean') {
    throw new InputError(
      `${scanner.name}: ${path}.success is ${success === undefined ? 'missing' : JSON.stringify(success)}; GX writes true or false there`,
      { hint: 'this does not look like a Great Expectations validation result' },
    );
  }
  const typeKey: ExpectationOutcome['typeKey'] =
    typeof cfg.type === 'string'
      ? 'type'
      : typeof cfg.expectation_type === 'string'
        ? 'expectation_type'
        : 'describe';
  if (success) return { typeKey, success: true, exception: false };
  const exception = exceptionOf(exceptionInfo);

  const kwargsRaw = isRecord(cfg.kwargs)
    ? cfg.kwargs
    : isRecord(describeKwargs)
      ? describeKwargs
      : {};
  const kwargs: Record<string, Json> = {};
  for (const [k, v] of Object.entries(kwargsRaw))
    if (k !== 'batch_id') kwargs[k] = shortenConfig(v);
  const known = knownStrings(kwargsRaw);
  const observed = (value: unknown): Json =>
    SCHEMA_OBSERVATIONS.has(type) ? shortenConfig(value) : sanitizeJson(value, { known });
  const bounds: MaskBounds = {
    ...(numberOrUndefined(kwargsRaw.min_value) !== undefined && {
      min: kwargsRaw.min_value as number,
    }),
    ...(numberOrUndefined(kwargsRaw.max_value) !== undefined && {
      max: kwargsRaw.max_value as number,
    }),
  };
  const { samples, truncated } = sample(raw, bounds, options.sampleSize);
  const rows = raw.rows
    ?.filter((r): r is number => typeof r === 'number')
    .slice(0, options.sampleSize);
  const column = typeof kwargsRaw.column === 'string' ? kwargsRaw.column : undefined;
  const columns = Array.isArray(kwargsRaw.column_list)
    ? kwargsRaw.column_list.filter((c): c is string => typeof c === 'string')
    : typeof kwargsRaw.column_A === 'string' && typeof kwargsRaw.column_B === 'string'
      ? [kwargsRaw.column_A, kwargsRaw.column_B]
      : undefined;
  const meta = isRecord(cfg.meta) ? (shortenConfig(cfg.meta) as Record<string, Json>) : {};
  const failure: GxExpectationFailure = {
    index,
    type,
    ...(typeof cfg.id === 'string' && { id: cfg.id }),
    ...(column !== undefined && { column }),
    ...(columns !== undefined && columns.length > 0 && { columns }),
    kwargs,
    meta,
    ...(typeof cfg.severity === 'string' && { gxSeverity: cfg.severity }),
    hasObservedValue: raw.hasObserved,
    ...(raw.hasObserved && {
      observedValue: isOmitted(raw.observed)
        ? `<omitted: ${raw.observed.omittedBytes} bytes>`
        : observed(raw.observed),
    }),
    ...(raw.details !== undefined && {
      details: isOmitted(raw.details)
        ? `<omitted: ${raw.details.omittedBytes} bytes>`
        : sanitizeJson(raw.details, { known }),
    }),
    ...raw.numbers,
    unexpectedSample: samples,
    sampleTruncated: truncated,
    ...(rows !== undefined && rows.length > 0 && { unexpectedRows: rows }),
    ...(exception !== undefined && {
      exception: { message: maskQuoted(exception.message, known) },
    }),
  };
  return { typeKey, success, exception: exception !== undefined, failure };
}
