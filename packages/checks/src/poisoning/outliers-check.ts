import { defineCheck } from '@mlwarden/core';
import { type FeatureMatrix, readFeatureMatrix } from './_feature-matrix.js';
import { jsonNumber, MAX_LOCATION_ROWS, percent, pText, short } from './_format.js';
import { findOutliers } from './find-outliers.js';
import { outliersOptions } from './outliers-options.js';

export const outliersCheck = defineCheck({
  meta: {
    id: 'poisoning.outliers',
    title: 'Multivariate outliers and outlier-rate jumps',
    description:
      'Finds rows far from the rest of the data (or from a trusted reference) in all numeric features at once, and flags a jump in the outlier rate against the reference or inside the dataset.',
    category: 'poisoning',
    defaultSeverity: 'medium',
    taxonomy: { atlas: ['AML.T0020'], owasp: ['ML02'] },
    requires: ['dataset'],
    options: outliersOptions,
    rules: {
      outliers: {
        title: 'Outlying rows',
        description:
          'Rows whose outlier score exceeds the threshold; medium above maxOutlierRate, info below.',
        severity: 'medium',
        remediation:
          'Inspect the listed rows and their most unusual features; drop injected or corrupt rows before training.',
      },
      'outlier-rate-jump': {
        title: 'Outlier rate jumped',
        description:
          'The outlier rate of the dataset (or of a window of rows) is significantly higher than the reference (or the rest of the dataset).',
        severity: 'high',
        remediation:
          'Find which source or time range added the unusual rows; a sudden batch of off-distribution rows is a poisoning signature.',
      },
      'schema-mismatch': {
        title: 'Reference lacks features',
        description: 'The reference does not have every feature column of the dataset.',
        severity: 'high',
      },
      'imputed-values': {
        title: 'Missing feature values',
        description: 'Null, NaN or infinite feature values were replaced by the column mean.',
        severity: 'low',
      },
    },
    docs: 'docs/checks/poisoning.outliers.md',
    timeoutMs: 1_800_000,
  },
  async run(ctx) {
    const options = ctx.options;
    const { dataset, reference } = ctx.inputs;
    const uri = dataset.source;
    const data = await readFeatureMatrix(dataset, {
      ...(options.features !== undefined && { features: options.features }),
      exclude: options.exclude,
      maxRows: options.maxRows,
      signal: ctx.signal,
      onBatch: (rows) => ctx.progress(rows, dataset.numRows, 'reading dataset'),
    });
    let baseline: FeatureMatrix | undefined;
    if (reference !== undefined) {
      const names = new Set(reference.schema.fields.map((f) => f.name));
      const missing = data.features.filter((f) => !names.has(f));
      if (missing.length > 0) {
        ctx.report({
          rule: 'schema-mismatch',
          severity: 'high',
          message: `the reference lacks the feature column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}; outliers are scored against the dataset itself`,
          location: { uri: reference.source },
        });
      } else {
        baseline = await readFeatureMatrix(reference, {
          features: data.features,
          maxRows: options.maxRows,
          signal: ctx.signal,
          onBatch: (rows) => ctx.progress(rows, reference.numRows, 'reading reference'),
        });
      }
    }
    for (const [label, m] of [
      ['dataset', data],
      ['reference', baseline],
    ] as const) {
      if (m === undefined) continue;
      if (m.truncated)
        ctx.incomplete(
          `only the first ${options.maxRows} rows of the ${label} were read (maxRows)`,
        );
      const imputed = Object.entries(m.imputed);
      if (imputed.length > 0) {
        ctx.report({
          rule: 'imputed-values',
          severity: 'low',
          key: label,
          message: `${imputed.map(([name, count]) => `${count} in "${name}"`).join(', ')} values of the ${label} were null, NaN or infinite and were replaced by the column mean`,
          location: { uri: label === 'dataset' ? uri : (reference?.source ?? uri) },
        });
      }
    }
    ctx.metric('rows', { dataset: data.n, ...(baseline && { reference: baseline.n }) });
    ctx.metric('features', data.features);
    const minimum = Math.max(10, options.neighbours + 1);
    if ((baseline ?? data).n < minimum || data.n === 0) {
      ctx.incomplete(
        `too few rows to score outliers (baseline ${(baseline ?? data).n}, need ${minimum})`,
      );
      return;
    }
    const result = findOutliers(data, baseline, {
      method: options.method,
      neighbours: options.neighbours,
      knnReference: options.knnReference,
      trees: options.trees,
      sampleSize: options.sampleSize,
      ...(options.threshold !== undefined && { threshold: options.threshold }),
      madMultiplier: options.madMultiplier,
      windowRows: options.windowRows,
      rateRatio: options.rateRatio,
      pValue: options.pValue,
      seed: ctx.seed,
      signal: ctx.signal,
    });
    const listed = Array.from(result.outliers.subarray(0, options.maxReportedRows), (i, t) => ({
      row: data.rows[i] as number,
      score: Math.round((result.scores[i] as number) * 1e6) / 1e6,
      unusual: (result.attribution[t] ?? []).map((a) => ({
        feature: a.feature,
        z: Math.round(a.z * 100) / 100,
      })),
    }));
    ctx.metric('method', result.method);
    ctx.metric('threshold', jsonNumber(result.threshold));
    ctx.metric('outlierRate', result.rate);
    if (result.referenceRate !== undefined)
      ctx.metric('referenceOutlierRate', result.referenceRate);
    ctx.metric('outliers', listed);
    ctx.metric(
      'jumps',
      result.jumps.map((j) => ({ ...j, pValue: jsonNumber(j.pValue) })),
    );
    if (result.outliers.length > 0) {
      const high = result.rate > options.maxOutlierRate;
      const examples = listed
        .slice(0, 3)
        .map(
          (o) =>
            `row ${o.row} (score ${short(o.score)}; ${o.unusual
              .slice(0, 2)
              .map((u) => `${u.feature} ${u.z > 0 ? '+' : ''}${short(u.z)} MAD`)
              .join(', ')})`,
        )
        .join('; ');
      ctx.report({
        rule: 'outliers',
        severity: high ? 'medium' : 'info',
        message: `${result.outliers.length} of ${data.n} rows (${percent(result.rate)}) are multivariate outliers${baseline ? ' against the reference' : ''} (${result.method} score above ${short(result.threshold)}), e.g. ${examples}`,
        location: { uri, rows: listed.slice(0, MAX_LOCATION_ROWS).map((o) => o.row) },
        evidence: {
          outliers: result.outliers.length,
          rate: result.rate,
          maxOutlierRate: options.maxOutlierRate,
          method: result.method,
          threshold: result.threshold,
        },
      });
    }
    for (const jump of result.jumps) {
      const where =
        jump.scope === 'dataset'
          ? jump.baselineRate > 0
            ? `the dataset's outlier rate ${percent(jump.rate)} is ${short(jump.rate / jump.baselineRate)} times the reference's ${percent(jump.baselineRate)}`
            : `the dataset's outlier rate is ${percent(jump.rate)} while the reference has no outliers`
          : `rows ${jump.start}–${jump.end - 1} have an outlier rate of ${percent(jump.rate)} against ${percent(jump.baselineRate)} in the rest of the dataset`;
      ctx.report({
        rule: 'outlier-rate-jump',
        severity: 'high',
        key: jump.scope === 'dataset' ? 'dataset' : `${jump.start}-${jump.end}`,
        message: `${where} (${jump.outliers} of ${jump.rows} rows, ${pText(jump.pValue)})`,
        location: {
          uri,
          ...(jump.scope === 'window' && {
            rows: listed
              .filter((o) => o.row >= jump.start && o.row < jump.end)
              .slice(0, MAX_LOCATION_ROWS)
              .map((o) => o.row),
          }),
        },
        evidence: { ...jump },
      });
    }
  },
});
