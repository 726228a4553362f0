import {
  type CheckContext,
  defineCheck,
  type FindingInput,
  type Json,
  type Location,
  SEVERITIES,
  type Severity,
} from '@mlwarden/core';
import { z } from 'zod';
import { PATTERN_TAXONOMY, type PatternTag, tamperingPatterns } from './_tampering-patterns.js';
import { expectationFamily } from './expectation-family.js';
import { expectationSeverity } from './expectation-severity.js';
import { type GxExpectationFailure, type GxSuiteRun, isGxSuiteRun } from './gx-types.js';
import { maskValue } from './mask-value.js';
import { parseGxResults } from './parse-gx-results.js';

/** `ValidationResults.tool` of results read by this package. */
export const GX_TOOL = 'great-expectations';

const severity = z.enum(SEVERITIES as [Severity, ...Severity[]]);

export const gxValidationOptions = z.strictObject({
  /** Severity per expectation type, e.g. `{ expect_column_values_to_not_be_null: 'high' }`. */
  severities: z.record(z.string(), severity).default({}),
  /** Let `meta.mlwarden.severity` (or `meta.severity`) of an expectation set its severity. */
  useMetaSeverity: z.boolean().default(true),
  /** Severity of an expectation that raised an exception instead of being evaluated. */
  exceptionSeverity: severity.default('high'),
  /** Masked unexpected values shown per finding (0 hides them). */
  sampleSize: z.number().int().min(0).max(20).default(5),
  /** Mask numbers in observed values too (means, row counts, …), not only strings. */
  maskObservedNumbers: z.boolean().default(false),
  /** Distribution expectations failing together in one run that count as a distribution shift. */
  distributionShiftMin: z.number().int().min(1).default(2),
  /** A row count beyond its bound by this factor or more is a jump (or drop). */
  rowCountJumpRatio: z.number().min(1).default(1.25),
  /** Most findings reported; past it the result is incomplete. */
  maxFindings: z.number().int().min(1).default(5000),
});

export type GxValidationOptions = z.infer<typeof gxValidationOptions>;

const REMEDIATION: Record<string, string> = {
  schema:
    'find the change that altered the table layout upstream; update the suite only if the change is intended',
  'row-count':
    'compare the batch with the previous one: rows were added or lost; check the source and the loading job for injected or missing data',
  distribution:
    'compare the batch with the reference data; if the shift is not explained by a known change, hold the batch out of training and trace where it came from',
  categories:
    'trace where the new values came from before training on them; extend the value set only for intended categories',
  uniqueness:
    'look for duplicated rows (replays, double loads, injected copies) and deduplicate upstream',
  completeness:
    'find why values went missing upstream; impute or drop only once the cause is known',
  range:
    'check the out-of-range rows at the source; fix the producer or correct the bounds if they were wrong',
  format: 'check the producer of the column; values no longer follow the expected format',
  other: 'look at the failed expectation in GX Data Docs and fix the data or the suite',
};

function runLabel(run: GxSuiteRun): string {
  const parts: string[] = [];
  if (run.runName) parts.push(`run ${run.runName}`);
  if (run.runTime) parts.push(run.runTime);
  return parts.length > 0 ? parts.join(', ') : (run.member ?? run.file);
}

function suiteLabel(run: GxSuiteRun): string {
  return run.suiteName !== undefined
    ? `suite "${run.suiteName}"`
    : `unnamed suite (${run.member ?? run.file})`;
}

function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return Math.abs(n) >= 1000 || Math.abs(n) < 0.001
    ? n.toPrecision(4)
    : String(Number(n.toFixed(4)));
}

function maskNumbers(value: Json): Json {
  if (typeof value === 'number') return maskValue(value);
  if (Array.isArray(value)) return value.map(maskNumbers);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskNumbers(v)]));
  }
  return value;
}

function describeObserved(value: Json | undefined): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number') return formatNumber(value);
  if (Array.isArray(value)) return `${value.length} value${value.length === 1 ? '' : 's'}`;
  if (value !== null && typeof value === 'object') return 'a structured value';
  return String(value);
}

function describeExpected(kwargs: Record<string, Json>): string | undefined {
  const { min_value: min, max_value: max, value, value_set: set, threshold } = kwargs;
  if (typeof min === 'number' && typeof max === 'number') return `between ${min} and ${max}`;
  if (typeof min === 'number') return `at least ${min}`;
  if (typeof max === 'number') return `at most ${max}`;
  if (typeof value === 'number') return `equal to ${value}`;
  if (Array.isArray(set)) return `within a set of ${set.length} values`;
  if (typeof threshold === 'number') return `within threshold ${threshold}`;
  return undefined;
}

function stable(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable(value[k] as Json)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

function location(run: GxSuiteRun, failure?: GxExpectationFailure): Location {
  const resource = `gx-suite/${run.suiteName ?? '(unnamed)'}${run.batch ? `@${run.batch}` : ''}`;
  const column = failure?.column ?? failure?.columns?.join(',');
  return {
    uri: run.origin,
    resource,
    ...(column !== undefined && { column }),
    ...(failure?.unexpectedRows !== undefined && { rows: failure.unexpectedRows }),
  };
}

function runEvidence(run: GxSuiteRun): Record<string, unknown> {
  return {
    suite: run.suiteName ?? null,
    run: { name: run.runName ?? null, time: run.runTime ?? null },
    ...(run.batch !== undefined && { batch: run.batch }),
    ...(run.member !== undefined && { member: run.member }),
    shape: run.shape,
    generation: run.generation,
    ...(run.gxVersion !== undefined && { gxVersion: run.gxVersion }),
  };
}

function failureFinding(
  run: GxSuiteRun,
  failure: GxExpectationFailure,
  options: GxValidationOptions,
  tag: PatternTag | undefined,
): FindingInput {
  const on = failure.column
    ? ` on column "${failure.column}"`
    : failure.columns
      ? ` on columns ${failure.columns.map((c) => `"${c}"`).join(', ')}`
      : '';
  const where = `in ${suiteLabel(run)} (${runLabel(run)})`;
  const observed =
    failure.observedValue !== undefined && options.maskObservedNumbers
      ? maskNumbers(failure.observedValue)
      : failure.observedValue;
  const sample = failure.unexpectedSample.slice(0, options.sampleSize);
  const evidence: Record<string, unknown> = {
    ...runEvidence(run),
    expectation: {
      type: failure.type,
      index: failure.index,
      ...(failure.id !== undefined && { id: failure.id }),
      kwargs: failure.kwargs,
      ...(Object.keys(failure.meta).length > 0 && { meta: failure.meta }),
    },
    family: expectationFamily(failure.type),
  };
  if (failure.exception !== undefined) {
    return {
      rule: 'expectation-error',
      severity: options.exceptionSeverity,
      message: `GX could not evaluate ${failure.type}${on} ${where}: ${failure.exception.message}`,
      location: location(run, failure),
      evidence: { ...evidence, exception: failure.exception.message },
      remediation:
        'fix the expectation or the batch so that GX can evaluate it (a missing column or a wrong type is the usual cause); until then the data is not validated',
      key: `${failure.type}:${stable(failure.kwargs)}`,
    };
  }
  const choice = expectationSeverity(failure, {
    severities: options.severities,
    useMeta: options.useMetaSeverity,
  });
  let detail: string;
  if (failure.unexpectedCount !== undefined) {
    const of = failure.elementCount !== undefined ? ` of ${failure.elementCount}` : '';
    const pct =
      failure.unexpectedPercent !== undefined
        ? ` (${formatNumber(failure.unexpectedPercent)}%)`
        : '';
    detail = `${failure.unexpectedCount}${of} value${failure.unexpectedCount === 1 && !of ? '' : 's'} unexpected${pct}`;
  } else if (failure.hasObservedValue) {
    const expected = describeExpected(failure.kwargs);
    detail = `observed ${describeObserved(observed)}${expected ? `, expected ${expected}` : ''}`;
  } else {
    detail = 'the expectation failed';
  }
  Object.assign(evidence, {
    ...(failure.hasObservedValue && { observedValue: observed ?? null }),
    ...(failure.details !== undefined && { details: failure.details }),
    ...(failure.elementCount !== undefined && { elementCount: failure.elementCount }),
    ...(failure.missingCount !== undefined && { missingCount: failure.missingCount }),
    ...(failure.unexpectedCount !== undefined && { unexpectedCount: failure.unexpectedCount }),
    ...(failure.unexpectedPercent !== undefined && {
      unexpectedPercent: failure.unexpectedPercent,
    }),
    ...(sample.length > 0 && {
      unexpectedSample: sample,
      sampleTruncated: failure.sampleTruncated || failure.unexpectedSample.length > sample.length,
    }),
    severitySource: choice.source,
    ...(tag !== undefined && { pattern: tag.pattern }),
  });
  return {
    rule: 'failed-expectation',
    severity: choice.severity,
    message: `${failure.type} failed${on} ${where}: ${detail}${tag ? `; ${tag.note}` : ''}`,
    location: location(run, failure),
    evidence,
    remediation: REMEDIATION[expectationFamily(failure.type)],
    ...(tag !== undefined && { taxonomy: tag.taxonomy }),
    key: `${failure.type}:${stable(failure.kwargs)}`,
  };
}

function collectRuns(ctx: CheckContext<GxValidationOptions>): GxSuiteRun[] {
  const input = ctx.inputs.validationResults;
  const runs: GxSuiteRun[] = [];
  input?.results.forEach((item, i) => {
    if (isGxSuiteRun(item)) {
      runs.push(item);
      return;
    }
    try {
      runs.push(
        ...parseGxResults(JSON.stringify(item), {
          file: `${input.source}#results[${i}]`,
          origin: input.source,
        }),
      );
    } catch (error) {
      ctx.incomplete(
        `validationResults.results[${i}] is not GX output: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  });
  return runs;
}

export const gxValidationCheck = defineCheck({
  meta: {
    id: 'gx.validation',
    title: 'Great Expectations validation results',
    description:
      'Reports every failed or erroring expectation of Great Expectations (0.18 and 1.x) validation and checkpoint results, with masked samples, and flags failure patterns that point to poisoning or drift.',
    category: 'data-integrity',
    defaultSeverity: 'medium',
    taxonomy: {},
    requires: ['validationResults'],
    options: gxValidationOptions,
    rules: {
      'failed-expectation': {
        title: 'An expectation failed',
        description:
          'GX evaluated the expectation and the batch did not meet it. Severity depends on the expectation type.',
      },
      'expectation-error': {
        title: 'An expectation raised an exception',
        description:
          'GX could not evaluate the expectation, so that part of the data was not validated.',
        severity: 'high',
      },
      'distribution-shift': {
        title: 'Several distribution expectations failed together',
        description:
          'A joint shift of column distributions in one batch, as poisoning or a drifted source produces.',
        severity: 'high',
      },
      'statistics-mismatch': {
        title: "GX's statistics disagree with its results",
        description:
          'The counts in `statistics` do not match the results list: the file was edited or cut.',
        severity: 'high',
      },
      'nothing-evaluated': {
        title: 'A validation evaluated no expectation',
        severity: 'medium',
      },
      'unknown-gx-version': {
        title: 'Results from a GX version this adapter was not tested with',
        severity: 'low',
      },
    },
    docs: 'docs/checks/gx.validation.md',
  },
  run(ctx) {
    const input = ctx.inputs.validationResults;
    if (input === undefined) return;
    if (input.tool !== GX_TOOL) {
      ctx.log.info(
        `validation results from "${input.tool}" are not Great Expectations output; skipped`,
      );
      ctx.metric('ignoredTool', input.tool);
      return;
    }
    const { options } = ctx;
    const runs = collectRuns(ctx);
    let reported = 0;
    let limited = false;
    const report = (finding: FindingInput) => {
      if (reported >= options.maxFindings) {
        limited = true;
        return;
      }
      reported++;
      ctx.report(finding);
    };
    const totals = { evaluated: 0, successful: 0, failed: 0, errored: 0 };
    const summaries: Json[] = [];
    const versions = new Set<string>();
    const warnedVersions = new Set<string>();
    runs.forEach((run, i) => {
      ctx.progress(i, runs.length, run.suiteName);
      if (run.gxVersion !== undefined) {
        versions.add(run.gxVersion);
        const major = Number(/^(\d+)\./.exec(run.gxVersion)?.[1] ?? Number.NaN);
        if (major > 1 && !warnedVersions.has(run.gxVersion)) {
          warnedVersions.add(run.gxVersion);
          report({
            rule: 'unknown-gx-version',
            severity: 'low',
            message: `${run.file} was written by GX ${run.gxVersion}, newer than the 0.18 and 1.x this adapter was tested with; it was read with the ${run.generation} field names`,
            location: { uri: run.origin },
            evidence: { gxVersion: run.gxVersion, generation: run.generation },
            remediation:
              'check the findings against GX Data Docs, and report the version to the mlwarden maintainers',
            key: run.gxVersion,
          });
        }
      }
      const c = run.counted;
      totals.evaluated += c.evaluated;
      totals.successful += c.successful;
      totals.failed += c.unsuccessful - c.exceptions;
      totals.errored += c.exceptions;
      const stats = run.statistics;
      summaries.push({
        suite: run.suiteName ?? null,
        run: run.runName ?? null,
        runTime: run.runTime ?? null,
        ...(run.member !== undefined && { member: run.member }),
        success: run.success,
        evaluated: c.evaluated,
        successful: c.successful,
        unsuccessful: c.unsuccessful,
        exceptions: c.exceptions,
        successPercent:
          stats?.successPercent ?? (c.evaluated > 0 ? (100 * c.successful) / c.evaluated : null),
      });
      if (
        stats &&
        (stats.evaluatedExpectations !== c.evaluated ||
          stats.unsuccessfulExpectations !== c.unsuccessful)
      ) {
        report({
          rule: 'statistics-mismatch',
          severity: 'high',
          message: `${suiteLabel(run)} (${runLabel(run)}): GX's statistics count ${stats.unsuccessfulExpectations} failed of ${stats.evaluatedExpectations} evaluated, but the results list has ${c.unsuccessful} failed of ${c.evaluated}; the file was edited or cut`,
          location: location(run),
          evidence: { ...runEvidence(run), statistics: { ...stats }, counted: { ...c } },
          remediation:
            'take the results from the validations store GX wrote, not from a copy; find out who changed the file',
          key: 'statistics',
        });
      }
      if (c.evaluated === 0) {
        report({
          rule: 'nothing-evaluated',
          severity: 'medium',
          message: `${suiteLabel(run)} (${runLabel(run)}) evaluated no expectation, so the batch was not validated`,
          location: location(run),
          evidence: runEvidence(run),
          remediation:
            'add expectations to the suite, or check that the checkpoint uses the right suite',
          key: 'empty',
        });
      }
      const { tags, shift } = tamperingPatterns(run, options);
      if (shift) {
        report({
          rule: 'distribution-shift',
          severity: 'high',
          message: `${shift.failures.length} distribution expectations failed together in ${suiteLabel(run)} (${runLabel(run)})${shift.columns.length > 0 ? ` on ${shift.columns.map((c) => `"${c}"`).join(', ')}` : ''}: the batch's distribution shifted, as poisoning or a drifted source produces`,
          location: location(run),
          evidence: {
            ...runEvidence(run),
            expectations: shift.failures.map((f) => ({
              type: f.type,
              column: f.column ?? null,
              index: f.index,
            })),
            columns: shift.columns,
          },
          remediation: REMEDIATION.distribution,
          taxonomy: PATTERN_TAXONOMY.shift,
          key: shift.columns.join(','),
        });
      }
      for (const failure of run.failures) {
        if (ctx.signal.aborted) return;
        report(failureFinding(run, failure, options, tags.get(failure.index)));
      }
    });
    if (limited) {
      ctx.incomplete(
        `more than ${options.maxFindings} findings; raise maxFindings to see them all`,
      );
    }
    ctx.metric('suiteRuns', runs.length);
    ctx.metric('expectationsEvaluated', totals.evaluated);
    ctx.metric('expectationsSuccessful', totals.successful);
    ctx.metric('expectationsFailed', totals.failed);
    ctx.metric('expectationsErrored', totals.errored);
    ctx.metric(
      'successPercent',
      totals.evaluated > 0 ? (100 * totals.successful) / totals.evaluated : null,
    );
    ctx.metric('gxVersions', [...versions].sort());
    ctx.metric('runs', summaries.slice(0, 500));
  },
});
