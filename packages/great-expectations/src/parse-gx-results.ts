import { InputError } from '@mlwarden/core';
import { type ExpectationOutcome, readExpectationResult } from './_expectation-reader.js';
import {
  type ByteSource,
  bytesSource,
  type JsonScanner,
  JsonScanner as Scanner,
} from './_json-scanner.js';
import type {
  GxDocumentShape,
  GxExpectationFailure,
  GxGeneration,
  GxReadOptions,
  GxStatistics,
  GxSuiteRun,
} from './gx-types.js';

/** Where a document came from, for messages and finding locations. */
export interface GxDocumentOrigin {
  /** File path (or another name) of the document. */
  file: string;
  /** What the user named; defaults to `file`. */
  origin?: string;
}

interface Counted {
  evaluated: number;
  successful: number;
  unsuccessful: number;
  exceptions: number;
}

interface RawSuite {
  path: string;
  keys: string[];
  values: Record<string, unknown>;
  listKey?: 'results' | 'expectations';
  counted: Counted;
  failures: GxExpectationFailure[];
  typeKeys: Set<ExpectationOutcome['typeKey']>;
  /** The `expectations` list held configurations, as an expectation suite's does. */
  configurations?: boolean;
  nested?: RawSuite;
  runResults?: { key: string; entry: RawSuite }[];
  validationResults?: RawSuite[];
}

/** Top-level or suite-level fields that are kept (parsed when at most this many bytes). */
const KEPT_FIELDS = new Set([
  'success',
  'statistics',
  'meta',
  'suite_name',
  'evaluation_parameters',
  'suite_parameters',
  'id',
  'ge_cloud_id',
  'checkpoint_name',
  'result_url',
  'run_id',
  'validation_result_url',
  'name',
  'expectation_suite_name',
]);
const KEPT_BYTES = 1 << 20;

interface ReadSettings {
  sampleSize: number;
  maxValueBytes: number;
  signal: AbortSignal | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(path: string, key: string): string {
  return path === ''
    ? key
    : /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)
      ? `${path}.${key}`
      : `${path}[${JSON.stringify(key)}]`;
}

function readList(
  scanner: JsonScanner,
  raw: RawSuite,
  key: 'results' | 'expectations',
  settings: ReadSettings,
) {
  const at = join(raw.path, key);
  if (scanner.peekKind() !== 'array') {
    throw new InputError(
      `${scanner.name}: ${at} is a ${scanner.peekKind()}; GX writes a list of expectation results there`,
      { hint: 'this does not look like Great Expectations output' },
    );
  }
  raw.listKey = key;
  scanner.openArray(at);
  let index = 0;
  while (scanner.nextItem(at)) {
    if (index % 1024 === 0 && settings.signal?.aborted) throw settings.signal.reason;
    const outcome = readExpectationResult(scanner, `${at}[${index}]`, index, {
      ...settings,
      allowConfigurations: key === 'expectations',
    });
    if (outcome.configuration) {
      raw.configurations = true;
      index++;
      continue;
    }
    raw.typeKeys.add(outcome.typeKey);
    raw.counted.evaluated++;
    if (outcome.success) raw.counted.successful++;
    else raw.counted.unsuccessful++;
    if (outcome.exception) raw.counted.exceptions++;
    if (outcome.failure) raw.failures.push(outcome.failure);
    index++;
  }
}

function readRawSuite(
  scanner: JsonScanner,
  path: string,
  depth: number,
  settings: ReadSettings,
): RawSuite {
  const kind = scanner.peekKind();
  if (kind !== 'object') {
    throw new InputError(
      `${scanner.name}: ${path || 'the document'} is ${kind === 'end' ? 'empty' : `a JSON ${kind}`}, not an object as GX writes validation and checkpoint results`,
      {
        hint: 'pass a GX validation result, a checkpoint result, or an uncommitted/validations directory',
      },
    );
  }
  const raw: RawSuite = {
    path,
    keys: [],
    values: {},
    counted: { evaluated: 0, successful: 0, unsuccessful: 0, exceptions: 0 },
    failures: [],
    typeKeys: new Set(),
  };
  scanner.openObject(path);
  for (let key = scanner.nextKey(path); key !== undefined; key = scanner.nextKey(path)) {
    raw.keys.push(key);
    const at = join(path, key);
    if (key === 'results' || key === 'expectations') {
      if (key === 'expectations' && scanner.peekKind() !== 'array') scanner.skip(at);
      else readList(scanner, raw, key, settings);
    } else if (key === 'run_results' && depth === 0 && scanner.peekKind() === 'object') {
      raw.runResults = [];
      scanner.openObject(at);
      for (let id = scanner.nextKey(at); id !== undefined; id = scanner.nextKey(at)) {
        raw.runResults.push({
          key: id,
          entry: readRawSuite(scanner, join(at, id), depth + 1, settings),
        });
      }
    } else if (key === 'validation_results' && depth === 0 && scanner.peekKind() === 'array') {
      raw.validationResults = [];
      scanner.openArray(at);
      while (scanner.nextItem(at)) {
        const i = raw.validationResults.length;
        raw.validationResults.push(readRawSuite(scanner, `${at}[${i}]`, depth + 1, settings));
      }
    } else if (key === 'validation_result' && depth === 1) {
      raw.nested = readRawSuite(scanner, at, depth + 1, settings);
    } else if (KEPT_FIELDS.has(key)) {
      raw.values[key] = scanner.readBounded(at, KEPT_BYTES);
    } else {
      scanner.skip(at);
    }
  }
  return raw;
}

function statisticsOf(raw: RawSuite, name: string): GxStatistics | null {
  const stats = raw.values.statistics;
  if (stats === undefined) return null;
  const at = join(raw.path, 'statistics');
  if (!isRecord(stats)) {
    throw new InputError(`${name}: ${at} is not an object; GX writes the expectation counts there`);
  }
  const count = (key: string): number => {
    const value = stats[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw new InputError(
        `${name}: ${at}.${key} is ${value === undefined ? 'missing' : JSON.stringify(value)}; GX writes a count there`,
        { hint: 'the file does not match the GX 0.18 or 1.x validation result format' },
      );
    }
    return value;
  };
  const percent = stats.success_percent;
  return {
    evaluatedExpectations: count('evaluated_expectations'),
    successfulExpectations: count('successful_expectations'),
    unsuccessfulExpectations: count('unsuccessful_expectations'),
    successPercent: typeof percent === 'number' ? percent : null,
  };
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function generationOf(
  raw: RawSuite,
  version: string | undefined,
  fallback: GxGeneration,
): GxGeneration {
  const major = version === undefined ? undefined : /^(\d+)\./.exec(version)?.[1];
  if (major === '0') return '0.x';
  if (major === '1') return '1.x';
  if (raw.keys.includes('suite_name') || raw.keys.includes('suite_parameters')) return '1.x';
  if (raw.keys.includes('evaluation_parameters') || raw.keys.includes('ge_cloud_id')) return '0.x';
  if (raw.typeKeys.has('type')) return '1.x';
  if (raw.typeKeys.has('expectation_type')) return '0.x';
  return fallback;
}

function toSuiteRun(
  raw: RawSuite,
  shape: GxDocumentShape,
  origin: Required<GxDocumentOrigin>,
  extra: { member?: string; runId?: unknown; fallback: GxGeneration },
): GxSuiteRun {
  if (raw.listKey === undefined) {
    throw new InputError(
      `${origin.file}: ${raw.path || 'the document'} has no \`results\` list (found ${raw.keys.map((k) => `\`${k}\``).join(', ') || 'no keys'})`,
      { hint: 'a GX suite validation result holds its expectation results under `results`' },
    );
  }
  const meta = isRecord(raw.values.meta) ? raw.values.meta : {};
  const version = stringOr(meta.great_expectations_version);
  const runId = isRecord(meta.run_id) ? meta.run_id : isRecord(extra.runId) ? extra.runId : {};
  const batchDef = isRecord(meta.active_batch_definition)
    ? meta.active_batch_definition
    : undefined;
  const batch = batchDef
    ? [stringOr(batchDef.datasource_name), stringOr(batchDef.data_asset_name)]
        .filter(Boolean)
        .join('/')
    : undefined;
  const suiteName = stringOr(raw.values.suite_name) ?? stringOr(meta.expectation_suite_name);
  const checkpointName = stringOr(meta.checkpoint_name) ?? stringOr(raw.values.checkpoint_name);
  const runName = runId.run_name;
  return {
    kind: 'gx.suite-run',
    file: origin.file,
    origin: origin.origin,
    ...(extra.member !== undefined && { member: extra.member }),
    shape,
    generation: generationOf(raw, version, extra.fallback),
    ...(version !== undefined && { gxVersion: version }),
    ...(suiteName !== undefined && { suiteName }),
    ...((typeof runName === 'string' || runName === null) && { runName }),
    ...(stringOr(runId.run_time) !== undefined && { runTime: runId.run_time as string }),
    ...(stringOr(meta.validation_time) !== undefined && {
      validationTime: meta.validation_time as string,
    }),
    ...(checkpointName !== undefined && { checkpointName }),
    ...(batch !== undefined && batch !== '' && { batch }),
    success: typeof raw.values.success === 'boolean' ? raw.values.success : null,
    statistics: statisticsOf(raw, origin.file),
    counted: raw.counted,
    failures: raw.failures,
  };
}

function classify(raw: RawSuite, origin: Required<GxDocumentOrigin>): GxSuiteRun[] {
  if (raw.runResults !== undefined) {
    if (raw.runResults.length === 0) {
      throw new InputError(
        `${origin.file}: run_results is empty; the checkpoint result holds no validation`,
      );
    }
    return raw.runResults.map(({ key, entry }) =>
      entry.nested !== undefined
        ? toSuiteRun(entry.nested, 'checkpoint-result', origin, {
            member: key,
            runId: raw.values.run_id,
            fallback: '0.x',
          })
        : toSuiteRun(entry, 'checkpoint-result', origin, {
            member: key,
            runId: raw.values.run_id,
            fallback: '1.x',
          }),
    );
  }
  if (raw.validationResults !== undefined) {
    return raw.validationResults.map((entry, i) =>
      toSuiteRun(entry, 'checkpoint-describe', origin, {
        member: `validation_results[${i}]`,
        fallback: '1.x',
      }),
    );
  }
  if (raw.listKey === 'results')
    return [toSuiteRun(raw, 'validation-result', origin, { fallback: '1.x' })];
  if (raw.listKey === 'expectations' && !raw.configurations && raw.keys.includes('statistics')) {
    return [toSuiteRun(raw, 'validation-describe', origin, { fallback: '1.x' })];
  }
  if (raw.keys.includes('expectations')) {
    throw new InputError(
      `${origin.file} is an expectation suite, not validation results: its \`expectations\` have no \`success\` and there are no \`statistics\``,
      { hint: 'pass the validation results GX wrote for this suite (uncommitted/validations/…)' },
    );
  }
  throw new InputError(
    `${origin.file}: unknown GX result format: the top level has none of \`results\` (suite validation result), \`run_results\` (checkpoint result) or \`validation_results\` (checkpoint describe); found ${raw.keys.map((k) => `\`${k}\``).join(', ') || 'an empty object'}`,
    { hint: 'mlwarden reads GX 0.15–0.18 and 1.x validation and checkpoint results' },
  );
}

/** Reads one GX document from a byte source. */
export function readGxDocument(
  source: ByteSource,
  origin: GxDocumentOrigin,
  options: GxReadOptions = {},
): GxSuiteRun[] {
  const resolved = { file: origin.file, origin: origin.origin ?? origin.file };
  const scanner = new Scanner(source, {
    name: origin.file,
    ...(options.maxValueBytes !== undefined && { maxValueBytes: options.maxValueBytes }),
  });
  const raw = readRawSuite(scanner, '', 0, {
    sampleSize: options.sampleSize ?? 5,
    maxValueBytes: options.maxValueBytes ?? 64 << 20,
    signal: options.signal,
  });
  scanner.finish();
  return classify(raw, resolved);
}

/**
 * Parses GX output held in memory: a suite validation result, a checkpoint result (0.18 or 1.x)
 * or a 1.x describe output. Returns one suite run per validation it holds. Throws InputError
 * naming the field when the content is not GX output.
 */
export function parseGxResults(
  json: string | Uint8Array,
  origin: GxDocumentOrigin = { file: '<memory>' },
  options: GxReadOptions = {},
): GxSuiteRun[] {
  const bytes = typeof json === 'string' ? new TextEncoder().encode(json) : json;
  return readGxDocument(bytesSource(bytes), origin, options);
}
