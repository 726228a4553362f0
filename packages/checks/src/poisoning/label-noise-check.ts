import { defineCheck, type Json } from '@mlwarden/core';
import { readFeatureMatrix } from './_feature-matrix.js';
import { jsonNumber, MAX_LOCATION_ROWS, percent, short } from './_format.js';
import { labelOrSkip } from './_label-or-skip.js';
import { findLabelIssues } from './find-label-issues.js';
import { labelNoiseOptions } from './label-noise-options.js';

/** Fewest labelled rows the check works with. */
const MIN_ROWS = 20;

export const labelNoiseCheck = defineCheck({
  meta: {
    id: 'poisoning.label-noise',
    title: 'Label noise and flipped labels',
    description:
      'Finds training rows whose label disagrees with an out-of-fold model and with their neighbourhood (confident learning), estimates the share of wrong labels per class, and finds duplicate rows with conflicting labels.',
    category: 'poisoning',
    defaultSeverity: 'high',
    taxonomy: { atlas: ['AML.T0020', 'AML.T0019'], owasp: ['ML02'] },
    requires: ['dataset'],
    options: labelNoiseOptions,
    rules: {
      'label-noise': {
        title: 'Many labels look wrong',
        description:
          'The estimated share of wrong labels (overall or in one class) exceeds maxNoiseRate.',
        severity: 'high',
        remediation:
          'Review the flagged rows (highest scores first), trace where their labels came from, and relabel or drop them before training.',
      },
      'suspicious-labels': {
        title: 'Some labels look wrong',
        description:
          'Rows flagged by confident learning while the estimated noise stays below maxNoiseRate.',
        severity: 'info',
      },
      'conflicting-duplicates': {
        title: 'Identical rows with different labels',
        description: 'Rows with the same feature values carry different labels.',
        severity: 'medium',
      },
      'conflicting-near-duplicates': {
        title: 'Nearly identical rows with different labels',
        description:
          'Rows within nearDuplicateTolerance standard deviations in every feature carry different labels.',
        severity: 'low',
      },
      'single-class': {
        title: 'Only one class',
        description: 'The label column has a single value, so labels cannot disagree.',
        severity: 'medium',
      },
      'imputed-values': {
        title: 'Missing feature values',
        description: 'Null, NaN or infinite feature values were replaced by the column mean.',
        severity: 'low',
      },
    },
    docs: 'docs/checks/poisoning.label-noise.md',
    timeoutMs: 1_800_000,
  },
  async run(ctx) {
    const options = ctx.options;
    const dataset = ctx.inputs.dataset;
    const uri = dataset.source;
    const label = labelOrSkip(ctx, options.label);
    if (label === undefined) return;
    const matrix = await readFeatureMatrix(dataset, {
      label,
      ...(options.features !== undefined && { features: options.features }),
      exclude: options.exclude,
      maxRows: options.maxRows,
      maxClasses: options.maxClasses,
      signal: ctx.signal,
      onBatch: (rows) => ctx.progress(rows, dataset.numRows, 'reading'),
    });
    if (matrix.truncated)
      ctx.incomplete(`only the first ${options.maxRows} rows were read (maxRows)`);
    const classes = matrix.classes ?? [];
    ctx.metric('rows', {
      read: matrix.rowsRead,
      used: matrix.n,
      missingLabel: matrix.missingLabel,
    });
    ctx.metric('features', matrix.features);
    const imputed = Object.entries(matrix.imputed);
    if (imputed.length > 0) {
      ctx.report({
        rule: 'imputed-values',
        severity: 'low',
        message: `${imputed.map(([name, count]) => `${count} in "${name}"`).join(', ')} feature values were null, NaN or infinite and were replaced by the column mean`,
        location: { uri },
        evidence: { imputed: matrix.imputed },
      });
    }
    if (classes.length < 2) {
      ctx.report({
        rule: 'single-class',
        severity: 'medium',
        message: `the label column "${label}" has ${classes.length === 0 ? 'no values' : `a single class ("${classes[0]}")`}, so label noise cannot be estimated`,
        location: { uri, column: label },
      });
      return;
    }
    if (matrix.n < MIN_ROWS) {
      ctx.incomplete(`only ${matrix.n} labelled rows; label noise needs at least ${MIN_ROWS}`);
      return;
    }
    const result = findLabelIssues(matrix, {
      folds: options.folds,
      C: options.C,
      maxIterations: options.maxIterations,
      neighbours: options.neighbours,
      knnReference: options.knnReference,
      modelWeight: options.modelWeight,
      nearDuplicateTolerance: options.nearDuplicateTolerance,
      seed: ctx.seed,
      signal: ctx.signal,
      onProgress: (done, total, label) => ctx.progress(done, total, label),
    });
    const K = classes.length;
    const noiseRate = Object.fromEntries(
      classes.map((c, k) => [c, jsonNumber(result.noiseRate[k] as number)]),
    );
    ctx.metric('noiseRate', noiseRate);
    ctx.metric('overallNoiseRate', jsonNumber(result.overallNoiseRate));
    const joint: Record<string, Json> = {};
    classes.forEach((given, i) => {
      joint[given] = Object.fromEntries(
        classes.map((c, j) => [c, Math.round((result.joint[i * K + j] as number) * 100) / 100]),
      );
    });
    ctx.metric('confidentJoint', joint);
    ctx.metric('flagged', result.issues.length);
    const suspicious = Array.from(result.issues.subarray(0, options.maxReportedRows), (i, t) => ({
      row: matrix.rows[i] as number,
      label: classes[(matrix.y as Int32Array)[i] as number] as string,
      suggested: classes[result.suggested[t] as number] as string,
      score: Math.round((result.scores[i] as number) * 1e6) / 1e6,
    }));
    ctx.metric('suspiciousRows', suspicious);
    ctx.metric('model', {
      outOfFoldAccuracy: result.modelAccuracy,
      neighbourAccuracy: result.neighbourAccuracy,
      folds: options.folds,
      neighbours: options.neighbours,
      knnReference: Math.min(options.knnReference, matrix.n),
      seed: ctx.seed,
    });
    ctx.metric('duplicates', {
      exactConflicts: result.duplicates.exact.length,
      nearConflicts: result.duplicates.near.length,
    });

    const rows = suspicious.slice(0, MAX_LOCATION_ROWS).map((s) => s.row);
    const worstClass = classes.reduce(
      (best, _, k) =>
        (result.noiseRate[k] as number) > (result.noiseRate[best] as number) ? k : best,
      0,
    );
    const worst = result.noiseRate[worstClass] as number;
    const perClass = classes
      .map((c, k) => `"${c}" ${percent(result.noiseRate[k] as number)}`)
      .join(', ');
    const examples = suspicious
      .slice(0, 3)
      .map(
        (s) =>
          `row ${s.row} (labelled "${s.label}", looks like "${s.suggested}", score ${short(s.score)})`,
      )
      .join('; ');
    const evidence = {
      overallNoiseRate: result.overallNoiseRate,
      noiseRate,
      flagged: result.issues.length,
      threshold: options.maxNoiseRate,
      outOfFoldAccuracy: result.modelAccuracy,
    };
    if (result.overallNoiseRate > options.maxNoiseRate || worst > options.maxNoiseRate) {
      ctx.report({
        rule: 'label-noise',
        severity: 'high',
        message: `an estimated ${percent(result.overallNoiseRate)} of labels in "${label}" are wrong (per class: ${perClass}), above ${percent(options.maxNoiseRate)}; ${result.issues.length} rows flagged, e.g. ${examples}`,
        location: { uri, column: label, rows },
        evidence,
        remediation:
          'Flipped labels are a cheap poisoning attack: review the flagged rows, trace their provenance, and relabel or drop them before training.',
      });
    } else if (result.issues.length > 0) {
      ctx.report({
        rule: 'suspicious-labels',
        severity: 'info',
        message: `${result.issues.length} rows have labels that disagree with an out-of-fold model and their neighbourhood (estimated noise ${percent(result.overallNoiseRate)}, below ${percent(options.maxNoiseRate)}), e.g. ${examples}`,
        location: { uri, column: label, rows },
        evidence,
      });
    }
    const describeGroups = (groups: typeof result.duplicates.exact) =>
      groups.slice(0, 20).map((g) => ({
        rows: g.rows.slice(0, 20).map((r) => matrix.rows[r] as number),
        labels: g.labels.map((c) => classes[c] as string),
      }));
    for (const [kind, groups] of [
      ['exact', result.duplicates.exact],
      ['near', result.duplicates.near],
    ] as const) {
      if (groups.length === 0) continue;
      const examplesOf = describeGroups(groups);
      const first = examplesOf[0] as { rows: number[]; labels: string[] };
      ctx.report({
        rule: kind === 'exact' ? 'conflicting-duplicates' : 'conflicting-near-duplicates',
        severity: kind === 'exact' ? 'medium' : 'low',
        message: `${groups.length} group${groups.length > 1 ? 's' : ''} of ${kind === 'exact' ? 'identical' : `nearly identical (within ${options.nearDuplicateTolerance} SD)`} rows carry different labels, e.g. rows ${first.rows.slice(0, 5).join(', ')} labelled ${first.labels.map((l) => `"${l}"`).join(' and ')}`,
        location: {
          uri,
          column: label,
          rows: examplesOf.flatMap((g) => g.rows).slice(0, MAX_LOCATION_ROWS),
        },
        evidence: { groups: groups.length, examples: examplesOf },
        remediation:
          'Identical inputs with different labels are either label errors or injected poison; keep one agreed label.',
      });
    }
  },
});
