import type { Json } from '@mlwarden/core';

/** GX release line a document came from: 0.x (0.15–0.18) or 1.x. */
export type GxGeneration = '0.x' | '1.x';

/** Which GX output a suite run was read from. */
export type GxDocumentShape =
  /** `ExpectationSuiteValidationResult.to_json_dict()`, as the validations store writes it. */
  | 'validation-result'
  /** An entry of a checkpoint result's `run_results`. */
  | 'checkpoint-result'
  /** An entry of `CheckpointResult.describe_dict()["validation_results"]` (1.x; lossy). */
  | 'checkpoint-describe'
  /** `ExpectationSuiteValidationResult.describe_dict()` (1.x; lossy). */
  | 'validation-describe';

/** GX's own `statistics` block of a suite validation result. */
export interface GxStatistics {
  evaluatedExpectations: number;
  successfulExpectations: number;
  unsuccessfulExpectations: number;
  /** Null when nothing was evaluated. */
  successPercent: number | null;
}

/** A masked data value with how often it occurred, from GX's unexpected-value lists. */
export interface GxMaskedSample {
  /** Type and shape of the value, never the value itself, e.g. `<string len=18 shape=a.a@a.a>`. */
  value: string;
  count: number;
}

/** One expectation that did not succeed, with raw data values already masked. */
export interface GxExpectationFailure {
  /** Position in the suite result's `results` (or `expectations`) list, from 0. */
  index: number;
  /** Snake-case expectation name (`expectation_type` in 0.x, `type` in 1.x). */
  type: string;
  /** Expectation id (1.x), when present. */
  id?: string;
  /** Column the expectation is about, if it has one. */
  column?: string;
  /** Columns of multi-column expectations (`column_list`, `column_A`/`column_B`). */
  columns?: string[];
  /** Arguments without `batch_id`; long lists and strings shortened. */
  kwargs: Record<string, Json>;
  /** The expectation's `meta` (shortened). */
  meta: Record<string, Json>;
  /** 1.x `severity` field (`critical`, `warning`, `info`). */
  gxSeverity?: string;
  /** `observed_value` with strings that are not in the expectation's own value set masked. */
  observedValue?: Json;
  hasObservedValue: boolean;
  /** `details` of aggregate expectations, masked like `observedValue`. */
  details?: Json;
  elementCount?: number;
  missingCount?: number;
  missingPercent?: number;
  unexpectedCount?: number;
  unexpectedPercent?: number;
  unexpectedPercentNonmissing?: number;
  /** Masked unexpected values with counts, at most the reader's `sampleSize`. */
  unexpectedSample: GxMaskedSample[];
  /** True when GX listed more distinct unexpected values than the sample holds. */
  sampleTruncated: boolean;
  /** Row indexes of unexpected values, when GX gave plain numbers (at most `sampleSize`). */
  unexpectedRows?: number[];
  /** Set when the expectation raised an exception instead of being evaluated. */
  exception?: { message: string };
}

/** One validation of one suite against one batch, read from a GX output file. */
export interface GxSuiteRun {
  readonly kind: 'gx.suite-run';
  /** File the run was read from. */
  file: string;
  /** What the user named (the file or directory); locations use it so fingerprints stay stable. */
  origin: string;
  /** Where in the file: the `run_results` key or list index, for checkpoint results. */
  member?: string;
  shape: GxDocumentShape;
  generation: GxGeneration;
  /** `meta.great_expectations_version`, when present. */
  gxVersion?: string;
  /** Suite name; undefined only for describe output, which does not name it. */
  suiteName?: string;
  runName?: string | null;
  runTime?: string;
  validationTime?: string;
  checkpointName?: string;
  /** Datasource, asset and batch identifier, joined as GX shows them. */
  batch?: string;
  success: boolean | null;
  /** GX's own statistics, as written in the file (null when the file has none). */
  statistics: GxStatistics | null;
  /** Counts recomputed from the results list. */
  counted: { evaluated: number; successful: number; unsuccessful: number; exceptions: number };
  /** Every expectation whose `success` was not true. */
  failures: GxExpectationFailure[];
}

export function isGxSuiteRun(value: unknown): value is GxSuiteRun {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { kind?: unknown }).kind === 'gx.suite-run' &&
    Array.isArray((value as { failures?: unknown }).failures)
  );
}

/** Limits and masking settings of the readers. */
export interface GxReadOptions {
  /** Masked unexpected values kept per expectation. Default 5. */
  sampleSize?: number;
  /** Largest single JSON value kept in memory (bytes); bigger ones are skipped. Default 64 MiB. */
  maxValueBytes?: number;
  /** Abort reading (checked between expectations). */
  signal?: AbortSignal;
}
