import { availableParallelism } from 'node:os';
import { type Dataset, datasetFile, defineCheck, type Json } from '@mlwarden/core';
import type { Field } from 'apache-arrow';
import { collectColumns } from '../arrow/_collect-columns.js';
import { collectColumnsInWorker } from '../arrow/_collect-columns-in-worker.js';
import { columnKind } from '../arrow/_column-kind.js';
import type { NumericColumn } from '../arrow/_numeric-column.js';
import { findPii } from '../pii/find-pii.js';
import { chiSquare } from '../stats/chi-square.js';
import { jensenShannon } from '../stats/jensen-shannon.js';
import { formatNumber, jsonNumber } from './_format.js';
import { numericDriftAll } from './_numeric-drift-all.js';
import { type DriftOptions, driftOptions } from './drift-options.js';

type Role = 'numeric' | 'categorical' | 'unsupported';

/** Categorical columns with at most this many categories get a histogram in the metrics. */
const HISTOGRAM_CATEGORIES = 30;
/** With `workers: auto`, below this many numeric values in total the calling thread is faster. */
const WORKERS_FROM_VALUES = 1_000_000;

function workerCount(option: DriftOptions['workers'], columns: number, values: number): number {
  if (option !== 'auto') return option;
  return values < WORKERS_FROM_VALUES ? 1 : Math.min(availableParallelism(), columns);
}

function roleOf(field: Field, options: DriftOptions): Role {
  const kind = columnKind(field.type);
  if (kind === 'numeric')
    return options.categorical.includes(field.name) ? 'categorical' : 'numeric';
  if (kind === 'dictionary' || kind === 'string' || kind === 'boolean') return 'categorical';
  return 'unsupported';
}

interface ColumnPlan {
  numeric: string[];
  categorical: string[];
  skipped: Record<string, string>;
  mismatches: { column: string; message: string }[];
}

function planColumns(reference: Dataset, current: Dataset, options: DriftOptions): ColumnPlan {
  const refFields = new Map(reference.schema.fields.map((f) => [f.name, f]));
  const curFields = new Map(current.schema.fields.map((f) => [f.name, f]));
  const names = options.columns ?? [...new Set([...refFields.keys(), ...curFields.keys()])];
  const plan: ColumnPlan = { numeric: [], categorical: [], skipped: {}, mismatches: [] };
  for (const name of names) {
    if (options.exclude.includes(name)) continue;
    const ref = refFields.get(name);
    const cur = curFields.get(name);
    if (ref === undefined || cur === undefined) {
      const where =
        ref === undefined && cur === undefined
          ? 'is in neither dataset'
          : ref === undefined
            ? 'is in the current dataset but not in the reference'
            : 'is in the reference but not in the current dataset';
      plan.mismatches.push({ column: name, message: `column "${name}" ${where}` });
      continue;
    }
    const refRole = roleOf(ref, options);
    const curRole = roleOf(cur, options);
    if (refRole !== curRole) {
      plan.mismatches.push({
        column: name,
        message: `column "${name}" is ${refRole} (${String(ref.type)}) in the reference but ${curRole} (${String(cur.type)}) in the current dataset`,
      });
      continue;
    }
    if (refRole === 'unsupported') {
      plan.skipped[name] = `type ${String(ref.type)} is not compared`;
      continue;
    }
    plan[refRole].push(name);
  }
  return plan;
}

/** Evidently's default choice: p-value tests for small references, distances for large ones. */
function chooseTest<T extends string>(
  configured: T | 'auto',
  small: boolean,
  pTest: T,
  distance: T,
) {
  return configured === 'auto' ? (small ? pTest : distance) : configured;
}

function nonFiniteCounts(column: NumericColumn) {
  return {
    nan: column.nan,
    positiveInfinity: column.positiveInfinity,
    negativeInfinity: column.negativeInfinity,
  };
}

export const dataDriftCheck = defineCheck({
  meta: {
    id: 'data.drift',
    title: 'Data drift',
    description:
      'Compares every column of the dataset with the reference: KS test, normalised Wasserstein-1 and PSI for numeric columns, chi-square test and Jensen-Shannon distance for categorical ones, and decides column and dataset drift.',
    category: 'drift',
    defaultSeverity: 'medium',
    taxonomy: { atlas: ['AML.T0059'], owasp: ['ML08'] },
    requires: ['dataset', 'reference'],
    options: driftOptions,
    rules: {
      'column-drift': {
        title: 'Column drifted',
        description:
          'The distribution of a column differs from the reference beyond the threshold.',
        severity: 'medium',
        remediation:
          'Check the upstream source of the column; retrain or recalibrate if the change is real.',
      },
      'dataset-drift': {
        title: 'Dataset drifted',
        description: 'At least `driftShare` of the compared columns drifted.',
        severity: 'high',
        remediation: 'Investigate the data pipeline and retrain the model on current data.',
      },
      'schema-mismatch': {
        title: 'Schema mismatch',
        description: 'A column is missing on one side or has a different kind of type.',
        severity: 'high',
        remediation: 'Align the schemas of the reference and the current dataset.',
      },
      'no-values': {
        title: 'Column without values',
        description: 'A column is empty or entirely null (or non-finite) on one side.',
        severity: 'medium',
        remediation: 'Check why the column lost its values upstream.',
      },
      'non-finite-values': {
        title: 'NaN or infinite values',
        description:
          'A numeric column holds NaN or ±Infinity; they are left out of the statistics.',
        severity: 'low',
        remediation: 'Treat NaN and infinities as missing values upstream, or fix their source.',
      },
    },
    docs: 'docs/checks/data.drift.md',
  },
  async run(ctx) {
    const { reference, dataset: current } = ctx.inputs;
    const options = ctx.options;
    const plan = planColumns(reference, current, options);
    for (const mismatch of plan.mismatches) {
      ctx.report({
        rule: 'schema-mismatch',
        severity: 'high',
        message: `${mismatch.message}; it is not compared`,
        location: { uri: current.source, column: mismatch.column },
      });
    }
    const threads = options.workers === 'auto' ? availableParallelism() : options.workers;
    const cells = (data: Dataset) =>
      (data.numRows ?? 0) * (plan.numeric.length + plan.categorical.length);
    // Large datasets are read at once: one file on a worker thread (it opens the file again),
    // the other on this thread.
    const offThread =
      threads > 1 && cells(reference) + cells(current) >= WORKERS_FROM_VALUES
        ? [reference, current]
            .map((data) => ({ data, file: datasetFile(data) }))
            .find((candidate) => candidate.file !== undefined)
        : undefined;
    const read = async (data: Dataset, label: string) => {
      const onProgress = (rows: number) => ctx.progress(rows, data.numRows, `reading ${label}`);
      const file = data === offThread?.data ? offThread.file : undefined;
      if (file !== undefined) {
        return collectColumnsInWorker(
          {
            path: file.path,
            source: data.source,
            numRows: file.numRows,
            numeric: plan.numeric,
            categorical: plan.categorical,
            maxRows: options.maxRows,
          },
          { signal: ctx.signal, onProgress },
        );
      }
      return collectColumns(data, {
        numeric: plan.numeric,
        categorical: plan.categorical,
        maxRows: options.maxRows,
        signal: ctx.signal,
        onBatch: onProgress,
        shared: threads > 1,
      });
    };
    const [ref, cur] = await Promise.all([read(reference, 'reference'), read(current, 'current')]);
    for (const [label, collected] of [
      ['reference', ref],
      ['current', cur],
    ] as const) {
      if (collected.truncated) {
        ctx.incomplete(
          `only the first ${options.maxRows} rows of the ${label} dataset were read (maxRows)`,
        );
      }
    }
    ctx.metric('rows', { reference: ref.rows, current: cur.rows });
    if (ref.rows === 0 || cur.rows === 0) {
      const empty = ref.rows === 0 ? 'reference' : 'current';
      ctx.incomplete(`the ${empty} dataset has no rows, so drift cannot be measured`);
      return;
    }
    const mode =
      options.mode === 'auto'
        ? Math.max(ref.rows, cur.rows) <= options.exactMaxRows
          ? 'exact'
          : 'sketch'
        : options.mode;
    ctx.metric('mode', mode);
    const small = ref.rows <= options.smallReferenceRows;
    const columns: Record<string, Json> = {};
    const skipped: Record<string, string> = { ...plan.skipped };
    let compared = 0;
    let drifted = 0;
    const location = (column: string) => ({ uri: current.source, column });
    const total = plan.numeric.length + plan.categorical.length;
    let done = 0;

    // Columns with values on both sides are compared (in worker threads when large); the others
    // get their finding here.
    const comparable: { name: string; a: NumericColumn; b: NumericColumn }[] = [];
    for (const name of plan.numeric) {
      const a = ref.numeric.get(name) as NumericColumn;
      const b = cur.numeric.get(name) as NumericColumn;
      for (const [label, column] of [
        ['reference', a],
        ['current', b],
      ] as const) {
        if (column.nonFinite > 0) {
          ctx.report({
            rule: 'non-finite-values',
            severity: 'low',
            message: `column "${name}" holds ${column.nan} NaN, ${column.positiveInfinity} +Infinity and ${column.negativeInfinity} −Infinity values in the ${label} dataset; they are left out of the drift statistics`,
            location: location(name),
            evidence: { dataset: label, ...nonFiniteCounts(column) },
            key: label,
          });
        }
      }
      if (a.length === 0 || b.length === 0) {
        const side = a.length === 0 ? 'reference' : 'current';
        ctx.report({
          rule: 'no-values',
          message: `column "${name}" has no finite values in the ${side} dataset, so its drift cannot be measured`,
          location: location(name),
          evidence: { dataset: side, rows: side === 'reference' ? a.rows : b.rows },
          key: side,
        });
        skipped[name] = `no finite values in the ${side} dataset`;
        done++;
        continue;
      }
      comparable.push({ name, a, b });
    }
    const totalValues = comparable.reduce((sum, c) => sum + c.a.length + c.b.length, 0);
    const computed = await numericDriftAll(
      comparable.map(({ a, b }) => ({ reference: a.valueChunks(), current: b.valueChunks() })),
      {
        mode,
        ksMethod: 'auto',
        psiBins: options.psiBins,
        psiFloor: options.psiFloor,
        seed: ctx.seed,
      },
      {
        workers: workerCount(options.workers, comparable.length, totalValues),
        signal: ctx.signal,
        onDone: (finished) => ctx.progress(done + finished, total, 'comparing numeric columns'),
      },
    );
    done += comparable.length;

    for (const [index, { name, a, b }] of comparable.entries()) {
      const values = computed[index] as (typeof computed)[number];
      const test = chooseTest(options.numericTest, small, 'ks', 'wasserstein');
      const isDrift =
        test === 'ks'
          ? values.ks.pValue < options.ksPValue
          : test === 'psi'
            ? values.psi > options.psi
            : values.referenceStd === 0
              ? values.wassersteinDistance > 0
              : values.wasserstein > options.wasserstein;
      compared++;
      if (isDrift) drifted++;
      const metric: Record<string, Json> = {
        kind: 'numeric',
        test,
        drifted: isDrift,
        ks: {
          statistic: values.ks.statistic,
          pValue: values.ks.pValue,
          method: values.ks.method,
        },
        wasserstein: jsonNumber(values.wasserstein),
        wassersteinDistance: values.wassersteinDistance,
        referenceStd: values.referenceStd,
        psi: values.psi,
        values: { reference: a.length, current: b.length },
        missing: {
          reference: a.nulls + a.nonFinite,
          current: b.nulls + b.nonFinite,
        },
        mode,
      };
      if (values.histogram !== undefined) metric.histogram = values.histogram;
      if (values.bounds !== undefined) {
        metric.errorBounds = {
          ksStatistic: values.bounds.ksStatistic,
          ksPValue: values.bounds.ksPValue,
          wassersteinDistance: values.bounds.wassersteinDistance,
          wasserstein: jsonNumber(values.bounds.wasserstein),
          psi: values.bounds.psi,
        };
      }
      columns[name] = metric;
      if (isDrift) {
        const detail =
          test === 'ks'
            ? `KS p-value ${formatNumber(values.ks.pValue)} < ${options.ksPValue}`
            : test === 'psi'
              ? `PSI ${formatNumber(values.psi)} > ${options.psi}`
              : values.referenceStd === 0
                ? 'the reference is constant and the current values differ'
                : `normalised Wasserstein ${formatNumber(values.wasserstein)} > ${options.wasserstein}`;
        ctx.report({
          rule: 'column-drift',
          message: `column "${name}" drifted: ${detail} (KS ${formatNumber(values.ks.statistic)}, PSI ${formatNumber(values.psi)})`,
          location: location(name),
          evidence: { test, kind: 'numeric' },
        });
      }
    }

    for (const name of plan.categorical) {
      ctx.signal.throwIfAborted();
      ctx.progress(done++, total, `comparing ${name}`);
      const a = ref.categorical.get(name);
      const b = cur.categorical.get(name);
      if (a === undefined || b === undefined) continue;
      const categories = [...new Set([...a.counts.keys(), ...b.counts.keys()])].sort();
      if (categories.length > options.maxCategories) {
        skipped[name] =
          `${categories.length} distinct values (more than maxCategories ${options.maxCategories})`;
        continue;
      }
      const refCounts = categories.map((c) => a.counts.get(c) ?? 0);
      const curCounts = categories.map((c) => b.counts.get(c) ?? 0);
      const refTotal = refCounts.reduce((s, x) => s + x, 0);
      const curTotal = curCounts.reduce((s, x) => s + x, 0);
      if (refTotal === 0 || curTotal === 0) {
        const side = refTotal === 0 ? 'reference' : 'current';
        ctx.report({
          rule: 'no-values',
          message: `column "${name}" has only nulls in the ${side} dataset, so its drift cannot be measured`,
          location: location(name),
          evidence: { dataset: side },
          key: side,
        });
        skipped[name] = `no values in the ${side} dataset`;
        continue;
      }
      const chi2 = chiSquare(refCounts, curCounts);
      const js = jensenShannon(refCounts, curCounts);
      const test = chooseTest(options.categoricalTest, small, 'chi2', 'jensenShannon');
      const isDrift =
        test === 'chi2' ? chi2.pValue < options.chi2PValue : js > options.jensenShannon;
      compared++;
      if (isDrift) drifted++;
      const added = categories.filter((_, i) => refCounts[i] === 0 && (curCounts[i] as number) > 0);
      const vanished = categories.filter(
        (_, i) => curCounts[i] === 0 && (refCounts[i] as number) > 0,
      );
      columns[name] = {
        kind: 'categorical',
        test,
        drifted: isDrift,
        chi2: { statistic: chi2.statistic, pValue: chi2.pValue, dof: chi2.dof },
        jensenShannon: js,
        categories: {
          reference: refCounts.filter((x) => x > 0).length,
          current: curCounts.filter((x) => x > 0).length,
          new: added.length,
          vanished: vanished.length,
        },
        values: { reference: refTotal, current: curTotal },
        missing: { reference: a.nulls, current: b.nulls },
        ...(categories.length <= HISTOGRAM_CATEGORIES && {
          histogram: {
            // Category values are data: one that looks like personal data or a secret is masked.
            categories: categories.map((c) =>
              findPii(String(c)).length > 0 ? '[masked]' : String(c),
            ),
            reference: refCounts,
            current: curCounts,
          },
        }),
      };
      if (isDrift) {
        const detail =
          test === 'chi2'
            ? `chi-square p-value ${formatNumber(chi2.pValue)} < ${options.chi2PValue}`
            : `Jensen-Shannon distance ${formatNumber(js)} > ${options.jensenShannon}`;
        ctx.report({
          rule: 'column-drift',
          message: `column "${name}" drifted: ${detail}`,
          location: location(name),
          evidence: {
            test,
            kind: 'categorical',
            newCategories: added.length,
            vanishedCategories: vanished.length,
          },
        });
      }
    }
    ctx.progress(total, total);

    const share = compared === 0 ? 0 : drifted / compared;
    const datasetDrift = compared > 0 && share >= options.driftShare;
    ctx.metric('driftShare', share);
    ctx.metric('datasetDrift', datasetDrift);
    ctx.metric('driftedColumns', drifted);
    ctx.metric('comparedColumns', compared);
    ctx.metric('columns', columns);
    if (Object.keys(skipped).length > 0) ctx.metric('skippedColumns', skipped);
    if (datasetDrift) {
      ctx.report({
        rule: 'dataset-drift',
        severity: 'high',
        message: `${drifted} of ${compared} columns drifted (share ${formatNumber(share)} ≥ ${options.driftShare})`,
        location: { uri: current.source },
        evidence: { driftShare: share, drifted, compared },
      });
    }
  },
});
