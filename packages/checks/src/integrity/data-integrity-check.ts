import {
  type ColumnSummary,
  type DataContract,
  type Dataset,
  defineCheck,
  type Inputs,
  inferDataContract,
  type Json,
  type RuleMeta,
} from '@mlwarden/core';
import type { Data, Field } from 'apache-arrow';
import { childData } from '../arrow/_collect-columns.js';
import { columnKind } from '../arrow/_column-kind.js';
import { ColumnStats, contractTypeOf, satisfiesType, type Violation } from './_column-stats.js';
import { KeySet } from './_key-set.js';
import { LabelLeakage } from './_label-leakage.js';
import { hashColumn, rowHashState, rowKeys } from './_row-hasher.js';
import { safeValue } from './_safe-value.js';
import { type IntegrityOptions, integrityOptions } from './integrity-options.js';

const rule = (title: string, severity: RuleMeta['severity'], remediation: string): RuleMeta => ({
  title,
  severity,
  remediation,
});

const RULES: Record<string, RuleMeta> = {
  'row-count': rule(
    'Row count outside the contract',
    'high',
    'Check for lost or duplicated partitions upstream.',
  ),
  'missing-column': rule('Column missing', 'high', 'Restore the column, or update the contract.'),
  'unexpected-column': rule(
    'Column not in the contract',
    'medium',
    'Remove the column, or add it to the contract.',
  ),
  'type-mismatch': rule(
    'Column type differs from the contract',
    'high',
    'Fix the writer, or cast the column explicitly.',
  ),
  'null-values': rule(
    'Nulls in a non-nullable column',
    'medium',
    'Find why values are missing, or make the column nullable.',
  ),
  'out-of-range': rule(
    'Values outside the contract range',
    'medium',
    'Check units and parsing, or widen the range.',
  ),
  'unexpected-values': rule(
    'Values outside the allowed set',
    'medium',
    'Map or reject the new values, or extend the set.',
  ),
  'pattern-mismatch': rule(
    'Values not matching the pattern',
    'medium',
    'Check the format of the source values.',
  ),
  'duplicate-values': rule(
    'Repeated values in a unique column',
    'medium',
    'Deduplicate, or drop the uniqueness constraint.',
  ),
  'missing-values': rule(
    'Many missing values',
    'medium',
    'Find the cause upstream; impute or drop the column deliberately.',
  ),
  'missing-increase': rule(
    'Missing values grew against the reference',
    'medium',
    'Check the source of the column for a recent break.',
  ),
  'empty-column': rule(
    'Column without values',
    'high',
    'Find why the column is empty; drop it if it is dead.',
  ),
  'infinite-values': rule(
    'Infinite values',
    'low',
    'Treat ±Infinity as missing or fix the computation that makes it.',
  ),
  'constant-column': rule('Constant column', 'low', 'Drop the column; it carries no information.'),
  'duplicate-rows': rule(
    'Duplicate rows',
    'low',
    'Deduplicate; duplicates bias training and evaluation.',
  ),
  'new-categories': rule(
    'New categories',
    'medium',
    'Check whether the model handles the new values.',
  ),
  'vanished-categories': rule(
    'Vanished categories',
    'low',
    'Check whether the source stopped producing them.',
  ),
  'mixed-types': rule(
    'Mixed kinds of values in a text column',
    'medium',
    'Parse the column into one type; quarantine the rest.',
  ),
  'train-test-overlap': rule(
    'Rows shared with the reference',
    'high',
    'Split by entity or time, and remove shared rows from the test set.',
  ),
  'label-leakage': rule(
    'Feature leaks the label',
    'high',
    'Remove the feature, or prove it is available at prediction time.',
  ),
  'class-imbalance': rule(
    'Class imbalance',
    'medium',
    'Resample, reweight, or choose metrics robust to imbalance.',
  ),
};

interface DatasetPass {
  rows: number;
  stats: Map<string, ColumnStats>;
  truncated: boolean;
  duplicates: { count: number; rows: number[] };
  overlap: { count: number; rows: number[] };
  label?: LabelLeakage;
}

interface PassOptions {
  names: readonly string[];
  contract?: DataContract;
  trackUnique: boolean;
  /** Columns hashed for train/test overlap, in a fixed order. */
  overlapColumns: readonly string[];
  /** Keys to compare against (dataset pass), or to fill (reference pass). */
  overlapKeys?: KeySet;
  fillOverlap: boolean;
  duplicateRows: boolean;
  label?: LabelLeakage;
}

async function scan(
  dataset: Dataset,
  options: IntegrityOptions,
  pass: PassOptions,
  signal: AbortSignal,
  progress: (rows: number) => void,
): Promise<DatasetPass> {
  const fields = new Map(dataset.schema.fields.map((f) => [f.name, f]));
  const contractColumns = new Map(pass.contract?.columns.map((c) => [c.name, c]));
  const stats = new Map<string, ColumnStats>();
  for (const name of pass.names) {
    const field = fields.get(name) as Field;
    stats.set(
      name,
      new ColumnStats(
        name,
        field.type,
        contractColumns.get(name),
        options.maxCategories,
        options.samples,
        pass.trackUnique,
      ),
    );
  }
  const result: DatasetPass = {
    rows: 0,
    stats,
    truncated: false,
    duplicates: { count: 0, rows: [] },
    overlap: { count: 0, rows: [] },
    ...(pass.label !== undefined && { label: pass.label }),
  };
  const seen = pass.duplicateRows ? new KeySet(dataset.numRows ?? 1024) : undefined;
  const needed = [...new Set([...pass.names, ...pass.overlapColumns])];
  for await (let batch of dataset.batches({ columns: needed, signal })) {
    signal.throwIfAborted();
    if (result.rows + batch.numRows > options.maxRows) {
      batch = batch.slice(0, options.maxRows - result.rows);
      result.truncated = true;
    }
    const n = batch.numRows;
    const base = result.rows;
    const chunks = new Map<string, Data>();
    for (const name of needed) {
      const data = childData(batch, name);
      if (data !== undefined) chunks.set(name, data);
    }
    for (const [name, column] of stats) {
      const data = chunks.get(name);
      if (data !== undefined) column.append(data, base);
    }
    if (seen !== undefined) {
      const state = rowHashState(n);
      for (const name of pass.names) hashColumn(chunks.get(name) as Data, state.a, state.b);
      const keys = rowKeys(state.a, state.b, n);
      for (let i = 0; i < n; i++) {
        if (!seen.add(keys[i] as number)) {
          result.duplicates.count++;
          if (result.duplicates.rows.length < options.samples)
            result.duplicates.rows.push(base + i);
        }
      }
    }
    if (pass.overlapColumns.length > 0 && pass.overlapKeys !== undefined) {
      const state = rowHashState(n);
      for (const name of pass.overlapColumns)
        hashColumn(chunks.get(name) as Data, state.a, state.b);
      const keys = rowKeys(state.a, state.b, n);
      for (let i = 0; i < n; i++) {
        const key = keys[i] as number;
        if (pass.fillOverlap) pass.overlapKeys.add(key);
        else if (pass.overlapKeys.has(key)) {
          result.overlap.count++;
          if (result.overlap.rows.length < options.samples) result.overlap.rows.push(base + i);
        }
      }
    }
    pass.label?.append(chunks);
    result.rows += n;
    progress(result.rows);
    if (result.truncated) break;
  }
  return result;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const share = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);
const percent = (x: number) => (x === 0 ? '0%' : `${(100 * x).toFixed(x < 0.001 ? 3 : 1)}%`);

function summaries(pass: DatasetPass, fields: Map<string, Field>): ColumnSummary[] {
  const out: ColumnSummary[] = [];
  for (const [name, stats] of pass.stats) {
    const type = contractTypeOf((fields.get(name) as Field).type);
    if (type === undefined) continue;
    const trackable = type === 'integer' || type === 'string';
    out.push({
      name,
      type,
      rows: stats.rows,
      nulls: stats.missing,
      ...(Number.isFinite(stats.min) && { min: stats.min, max: stats.max }),
      ...(trackable &&
        stats.rows >= 50 && {
          unique: stats.violations.duplicates.count === 0 && stats.missing < stats.rows,
        }),
    });
  }
  return out;
}

export const dataIntegrityCheck = defineCheck({
  meta: {
    id: 'data.integrity',
    title: 'Data integrity',
    description:
      'Validates the dataset against a data contract (given, or inferred from the reference) and looks for missing values, constant columns, duplicate rows, new or vanished categories, mixed types, rows shared with the reference, single-feature label leakage and class imbalance.',
    category: 'data-integrity',
    defaultSeverity: 'medium',
    taxonomy: { atlas: ['AML.T0020', 'AML.T0059'], owasp: ['ML02'] },
    requires: ['dataset'],
    options: integrityOptions,
    rules: RULES,
    docs: 'docs/checks/data.integrity.md',
  },
  async run(ctx) {
    const options = ctx.options;
    const { dataset } = ctx.inputs;
    const reference = (ctx.inputs as Inputs).reference;
    const fields = new Map(dataset.schema.fields.map((f) => [f.name, f]));
    const refFields = new Map(reference?.schema.fields.map((f) => [f.name, f]));
    const selected = (names: Iterable<string>) =>
      [...names].filter(
        (n) =>
          !options.exclude.includes(n) &&
          (options.columns === undefined || options.columns.includes(n)),
      );
    const names = selected(fields.keys());
    const overlapColumns =
      reference !== undefined && options.contamination
        ? names.filter((n) => refFields.has(n) && n !== options.label).sort()
        : [];
    const location = (column?: string, rows?: number[]) => ({
      uri: dataset.source,
      ...(column !== undefined && { column }),
      ...(rows !== undefined && rows.length > 0 && { rows }),
    });

    // Reference first: it supplies the inferred contract, categories and the overlap keys.
    let refPass: DatasetPass | undefined;
    const overlapKeys =
      overlapColumns.length > 0 ? new KeySet(reference?.numRows ?? 1024) : undefined;
    if (reference !== undefined) {
      refPass = await scan(
        reference,
        options,
        {
          names: selected(refFields.keys()),
          trackUnique: options.contract === undefined && options.inferContract,
          overlapColumns,
          ...(overlapKeys !== undefined && { overlapKeys }),
          fillOverlap: true,
          duplicateRows: false,
        },
        ctx.signal,
        (rows) => ctx.progress(rows, reference.numRows, 'reading reference'),
      );
      if (refPass.truncated)
        ctx.incomplete(`only the first ${options.maxRows} reference rows were read (maxRows)`);
    }
    let contract: DataContract | undefined = options.contract as DataContract | undefined;
    let contractSource: 'given' | 'inferred' | 'none' = contract === undefined ? 'none' : 'given';
    if (
      contract === undefined &&
      refPass !== undefined &&
      options.inferContract &&
      refPass.rows > 0
    ) {
      const inferred = summaries(refPass, refFields);
      if (inferred.length > 0) {
        contract = inferDataContract(inferred, {
          ranges: false,
          maxCategories: 0,
          name: reference?.source,
        });
        contractSource = 'inferred';
      }
    }

    let label: LabelLeakage | undefined;
    if (options.label !== undefined) {
      if (!fields.has(options.label)) {
        ctx.report({
          rule: 'missing-column',
          severity: 'high',
          message: `label column "${options.label}" is not in the dataset; leakage and class balance are not checked`,
          location: location(options.label),
          key: 'label',
        });
      } else {
        const features = names
          .filter((n) => n !== options.label)
          .map((n) => ({ name: n, kind: columnKind((fields.get(n) as Field).type) }))
          .filter((f) => f.kind !== 'other')
          .map((f) => ({ name: f.name, numeric: f.kind === 'numeric' || f.kind === 'temporal' }));
        label = new LabelLeakage(options.label, features, ctx.seed);
      }
    }
    const scanNames = [
      ...new Set([
        ...names,
        ...(options.label !== undefined && fields.has(options.label) ? [options.label] : []),
      ]),
    ];
    const pass = await scan(
      dataset,
      options,
      {
        names: scanNames,
        ...(contract !== undefined && { contract }),
        trackUnique: false,
        overlapColumns,
        ...(overlapKeys !== undefined && { overlapKeys }),
        fillOverlap: false,
        duplicateRows: true,
        ...(label !== undefined && { label }),
      },
      ctx.signal,
      (rows) => ctx.progress(rows, dataset.numRows, 'reading dataset'),
    );
    if (pass.truncated)
      ctx.incomplete(`only the first ${options.maxRows} rows were read (maxRows)`);
    const rows = pass.rows;

    // Contract.
    if (contract !== undefined) {
      const bounds = contract.rows;
      if (bounds !== undefined) {
        const low = bounds.min !== undefined && rows < bounds.min;
        const high = bounds.max !== undefined && rows > bounds.max;
        if (low || high) {
          ctx.report({
            rule: 'row-count',
            severity: 'high',
            message: `the dataset has ${plural(rows, 'row')}; the contract asks for ${low ? `at least ${bounds.min}` : `at most ${bounds.max}`}`,
            location: location(),
            evidence: { rows, ...bounds },
          });
        }
      }
      for (const column of contract.columns) {
        if (options.exclude.includes(column.name)) continue;
        const field = fields.get(column.name);
        if (field === undefined) {
          ctx.report({
            rule: 'missing-column',
            severity: 'high',
            message: `column "${column.name}" (${column.type}) of the ${contractSource} contract is missing`,
            location: location(column.name),
          });
          continue;
        }
        if (!satisfiesType(field.type, column.type)) {
          ctx.report({
            rule: 'type-mismatch',
            severity: 'high',
            message: `column "${column.name}" is ${String(field.type)}; the ${contractSource} contract says ${column.type}`,
            location: location(column.name),
            evidence: { expected: column.type, actual: String(field.type) },
          });
        }
        const stats = pass.stats.get(column.name);
        if (stats === undefined) continue;
        const v = stats.violations;
        const report = (
          ruleId: string,
          violation: Violation,
          what: string,
          extra: Record<string, Json> = {},
        ) => {
          if (violation.count === 0) return;
          ctx.report({
            rule: ruleId,
            message: `column "${column.name}" has ${plural(violation.count, 'value')} ${what}`,
            location: location(column.name, violation.rows),
            evidence: {
              count: violation.count,
              share: share(violation.count, rows),
              ...(violation.values !== undefined &&
                violation.values.length > 0 && { values: violation.values }),
              ...extra,
            },
          });
        };
        report(
          'null-values',
          v.nulls,
          'missing (null or NaN) although the contract makes it non-nullable',
        );
        report('out-of-range', v.range, `outside [${column.min ?? '−∞'}, ${column.max ?? '∞'}]`, {
          observedMin: Number.isFinite(stats.min) ? stats.min : null,
          observedMax: Number.isFinite(stats.max) ? stats.max : null,
        });
        report('unexpected-values', v.allowed, 'outside the allowed set');
        report('pattern-mismatch', v.pattern, `not matching /${column.pattern}/`);
        report(
          'duplicate-values',
          v.duplicates,
          'that repeat an earlier value although the column must be unique',
        );
      }
      if (!contract.additionalColumns) {
        const listed = new Set(contract.columns.map((c) => c.name));
        for (const name of names) {
          if (listed.has(name)) continue;
          ctx.report({
            rule: 'unexpected-column',
            message: `column "${name}" is not in the ${contractSource} contract`,
            location: location(name),
          });
        }
      }
    }

    // Column health.
    const columnMetrics: Record<string, Json> = {};
    for (const name of names) {
      const stats = pass.stats.get(name) as ColumnStats;
      const missingShare = share(stats.missing, stats.rows);
      const distinct = stats.distinct?.size;
      columnMetrics[name] = {
        type: String(stats.type),
        missing: stats.missing,
        missingShare,
        ...(distinct !== undefined && { distinct }),
        ...(Number.isFinite(stats.min) && { min: stats.min, max: stats.max }),
      };
      if (stats.rows > 0 && stats.missing === stats.rows) {
        ctx.report({
          rule: 'empty-column',
          severity: 'high',
          message: `column "${name}" has no values: all ${plural(stats.rows, 'row')} are missing`,
          location: location(name),
          evidence: { rows: stats.rows },
        });
        continue;
      }
      if (missingShare > options.maxMissingShare) {
        ctx.report({
          rule: 'missing-values',
          message: `column "${name}" is ${percent(missingShare)} missing (more than ${percent(options.maxMissingShare)})`,
          location: location(name),
          evidence: { missing: stats.missing, share: missingShare },
        });
      }
      const ref = refPass?.stats.get(name);
      if (ref !== undefined && ref.rows > 0) {
        const before = share(ref.missing, ref.rows);
        if (missingShare - before > options.missingShareIncrease) {
          ctx.report({
            rule: 'missing-increase',
            message: `column "${name}" is ${percent(missingShare)} missing, up from ${percent(before)} in the reference`,
            location: location(name),
            evidence: { share: missingShare, referenceShare: before },
          });
        }
      }
      if (stats.infinite > 0) {
        ctx.report({
          rule: 'infinite-values',
          severity: 'low',
          message: `column "${name}" has ${plural(stats.infinite, 'infinite value')}`,
          location: location(name),
          evidence: { count: stats.infinite },
        });
      }
      if (options.constantColumns && distinct === 1 && stats.rows - stats.missing > 1) {
        ctx.report({
          rule: 'constant-column',
          severity: 'low',
          message: `column "${name}" holds a single value in all ${plural(stats.rows - stats.missing, 'non-missing row')}`,
          location: location(name),
        });
      }
      const kinds = stats.textKinds;
      const textual = kinds.number + kinds.boolean + kinds.text;
      if (textual > 0) {
        const present = (Object.entries(kinds) as [string, number][]).filter(
          ([, c]) => c / textual >= options.mixedTypesMinShare,
        );
        if (present.length >= 2) {
          ctx.report({
            rule: 'mixed-types',
            message: `text column "${name}" mixes ${present.map(([k, c]) => `${k === 'text' ? 'text' : `${k}-like`} values (${percent(c / textual)})`).join(' and ')}`,
            location: location(name),
            evidence: Object.fromEntries(present),
          });
        }
      }
      // Categories against the reference.
      const categorical =
        stats.kind === 'dictionary' || stats.kind === 'string' || stats.kind === 'boolean';
      if (
        options.categories &&
        categorical &&
        ref?.distinct !== undefined &&
        stats.distinct !== undefined
      ) {
        const refValues = ref.distinct;
        const added = [...stats.distinct.entries()].filter(([value]) => !refValues.has(value));
        const vanished = [...refValues.keys()].filter((value) => !stats.distinct?.has(value));
        if (added.length > 0) {
          const affected = added.reduce((s, [, c]) => s + c, 0);
          ctx.report({
            rule: 'new-categories',
            message: `column "${name}" has ${plural(added.length, 'category', 'categories')} not seen in the reference, in ${plural(affected, 'row')} (${percent(share(affected, rows))})`,
            location: location(name),
            evidence: {
              count: added.length,
              rows: affected,
              values: added.slice(0, options.samples).map(([value]) => safeValue(value)),
            },
          });
        }
        if (vanished.length > 0) {
          ctx.report({
            rule: 'vanished-categories',
            severity: 'low',
            message: `column "${name}" lacks ${plural(vanished.length, 'category', 'categories')} of the reference`,
            location: location(name),
            evidence: {
              count: vanished.length,
              values: vanished.slice(0, options.samples).map((v) => safeValue(v)),
            },
          });
        }
      }
    }

    // Rows.
    const duplicateShare = share(pass.duplicates.count, rows);
    if (pass.duplicates.count > 0 && duplicateShare > options.maxDuplicateShare) {
      ctx.report({
        rule: 'duplicate-rows',
        severity: 'low',
        message: `${plural(pass.duplicates.count, 'row')} (${percent(duplicateShare)}) repeat an earlier row`,
        location: location(undefined, pass.duplicates.rows),
        evidence: { count: pass.duplicates.count, share: duplicateShare },
      });
    }
    const overlapShare = share(pass.overlap.count, rows);
    if (pass.overlap.count > 0 && overlapShare > options.maxOverlapShare) {
      ctx.report({
        rule: 'train-test-overlap',
        severity: 'high',
        message: `${plural(pass.overlap.count, 'row')} (${percent(overlapShare)}) of the dataset also occur in the reference (compared on ${plural(overlapColumns.length, 'column')})`,
        location: location(undefined, pass.overlap.rows),
        evidence: { count: pass.overlap.count, share: overlapShare, columns: overlapColumns },
      });
    }

    // Label.
    if (label !== undefined && options.label !== undefined) {
      const labelReport = label.report();
      const classes = labelReport.classes ?? [];
      const metric: Record<string, Json> = {
        classes: classes.map((c) => ({ value: safeValue(c.value), count: c.count })),
        leakage: labelReport.leakage.slice(0, 10).map((l) => ({ ...l })),
      };
      if (labelReport.skipped !== undefined) metric.skipped = labelReport.skipped;
      ctx.metric('label', metric);
      for (const leak of labelReport.leakage) {
        if (leak.score < options.leakageThreshold) continue;
        ctx.report({
          rule: 'label-leakage',
          severity: 'high',
          message: `feature "${leak.feature}" alone predicts the label "${options.label}" with ${percent(leak.accuracy)} accuracy out of sample (majority class: ${percent(leak.baseline)}; score ${leak.score.toFixed(3)})`,
          location: location(leak.feature),
          evidence: { ...leak, label: options.label },
        });
      }
      const largest = classes[0];
      const smallest = classes[classes.length - 1];
      if (largest !== undefined && smallest !== undefined && classes.length >= 2) {
        const ratio = largest.count / Math.max(smallest.count, 1);
        if (ratio > options.maxClassRatio) {
          ctx.report({
            rule: 'class-imbalance',
            message: `label "${options.label}" is imbalanced: the largest class has ${ratio.toFixed(1)}× the rows of the smallest (more than ${options.maxClassRatio}×)`,
            location: location(options.label),
            evidence: {
              ratio,
              largest: { value: safeValue(largest.value), count: largest.count },
              smallest: { value: safeValue(smallest.value), count: smallest.count },
            },
          });
        }
      }
    }

    ctx.metric('rows', rows);
    ctx.metric('columns', columnMetrics);
    ctx.metric('duplicateRows', pass.duplicates.count);
    if (reference !== undefined) ctx.metric('overlapRows', pass.overlap.count);
    ctx.metric('contract', {
      source: contractSource,
      columns: contract?.columns.length ?? 0,
    });
  },
});
