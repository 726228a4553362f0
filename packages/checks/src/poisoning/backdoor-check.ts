import { defineCheck } from '@mlwarden/core';
import { readFeatureMatrix } from './_feature-matrix.js';
import { jsonNumber, MAX_LOCATION_ROWS, percent, pText, short } from './_format.js';
import { backdoorOptions } from './backdoor-options.js';
import { findTriggers } from './find-triggers.js';
import { spectralSignatures } from './spectral-signatures.js';

export const backdoorCheck = defineCheck({
  meta: {
    id: 'poisoning.backdoor',
    title: 'Backdoor triggers',
    description:
      'Hunts for backdoor triggers in training data: rare values or value pairs that almost always come with one label, unlike the rest of the data; and, given embedding or activation columns, spectral signatures per class.',
    category: 'poisoning',
    defaultSeverity: 'high',
    taxonomy: { atlas: ['AML.T0020', 'AML.T0043.004'], owasp: ['ML02', 'ML10'] },
    requires: ['dataset'],
    options: backdoorOptions,
    rules: {
      trigger: {
        title: 'Candidate trigger',
        description:
          'A rare value (or pair of values) whose rows carry one label far more often than the rest of the data, significant after correcting for every candidate tested.',
        severity: 'high',
        remediation:
          'Inspect the rows carrying the value: if they were injected, remove them and retrain; a model trained on them may answer the target label whenever the value appears.',
      },
      'spectral-signature': {
        title: 'Separated cluster within a class',
        description:
          'Within one class, a small group of rows stands apart along the top singular vector of the representations, as poisoned examples do.',
        severity: 'high',
        remediation:
          'Inspect the rows of the separated cluster; remove them if they are poisoned and retrain.',
      },
    },
    docs: 'docs/checks/poisoning.backdoor.md',
    timeoutMs: 1_800_000,
  },
  async run(ctx) {
    const options = ctx.options;
    const dataset = ctx.inputs.dataset;
    const uri = dataset.source;
    if (options.label === undefined) {
      ctx.skip('no label column is configured (option `label`)');
      return;
    }
    const search = await findTriggers(dataset, {
      label: options.label,
      ...(options.columns !== undefined && { columns: options.columns }),
      exclude: [...options.exclude, ...options.embeddings],
      minSupport: options.minSupport,
      maxShare: options.maxShare,
      minPurity: options.minPurity,
      minOddsRatio: options.minOddsRatio,
      alpha: options.alpha,
      maxAgreement: options.maxAgreement,
      seed: ctx.seed,
      pairs: options.pairs,
      maxPairWork: options.maxPairWork,
      maxRows: options.maxRows,
      signal: ctx.signal,
      onProgress: (done, total, label) => ctx.progress(done, total, label),
    });
    if (search.truncated)
      ctx.incomplete(`only the first ${options.maxRows} rows were read (maxRows)`);
    ctx.metric('rows', search.rows);
    ctx.metric('candidatesTested', search.tested);
    ctx.metric('consistentPatterns', search.consistent);
    ctx.metric('pairsSearched', search.pairsSearched);
    ctx.metric(
      'triggers',
      search.triggers.slice(0, 100).map((t) => ({
        columns: t.columns,
        values: t.values,
        support: t.support,
        label: t.label,
        purity: t.purity,
        baseRate: t.baseRate,
        pValue: jsonNumber(t.pValue),
        ...(t.agreement !== undefined && { agreement: t.agreement }),
        rows: t.rows.slice(0, 100),
      })),
    );
    for (const t of search.triggers.slice(0, options.maxFindings)) {
      const what = t.columns.map((c, k) => `${c} = ${t.values[k]}`).join(' and ');
      ctx.report({
        rule: 'trigger',
        severity: 'high',
        key: what,
        message: `rows where ${what} (${t.support} rows, ${percent(t.support / search.rows)}) are labelled "${t.label}" in ${percent(t.purity)} of cases, against ${percent(t.baseRate)} of the other rows (${pText(t.pValue)})${t.agreement === undefined ? '' : `, although only ${percent(t.agreement)} of their nearest neighbours by the other features share that label`}`,
        location: { uri, column: t.columns[0] as string, rows: t.rows.slice(0, MAX_LOCATION_ROWS) },
        evidence: {
          columns: t.columns,
          values: t.values,
          label: t.label,
          support: t.support,
          purity: t.purity,
          baseRate: t.baseRate,
          pValue: t.pValue,
          ...(t.agreement !== undefined && { agreement: t.agreement }),
          candidatesTested: search.tested,
        },
      });
    }
    if (options.embeddings.length === 0) return;
    const matrix = await readFeatureMatrix(dataset, {
      label: options.label,
      features: options.embeddings,
      maxRows: options.maxRows,
      signal: ctx.signal,
      onBatch: (rows) => ctx.progress(rows, dataset.numRows, 'reading embeddings'),
    });
    const signatures = spectralSignatures(matrix, {
      maxClusterShare: options.maxClusterShare,
      minSeparation: options.minSeparation,
      seed: ctx.seed,
      signal: ctx.signal,
    });
    ctx.metric(
      'spectral',
      Object.fromEntries(
        signatures.map((s) => [
          s.label,
          {
            rows: s.rows,
            clusterShare: s.clusterShare,
            separation: jsonNumber(s.separation),
            flagged: s.flagged,
          },
        ]),
      ),
    );
    for (const s of signatures) {
      if (!s.flagged) continue;
      const rows = s.suspicious.map((i) => matrix.rows[i] as number);
      ctx.report({
        rule: 'spectral-signature',
        severity: 'high',
        key: s.label,
        message: `${s.suspicious.length} of the ${s.rows} rows labelled "${s.label}" (${percent(s.clusterShare)}) form a separate cluster along the top singular vector of ${options.embeddings.length} embedding columns (separation ${short(s.separation)})`,
        location: { uri, column: options.label, rows: rows.slice(0, MAX_LOCATION_ROWS) },
        evidence: {
          label: s.label,
          clusterRows: s.suspicious.length,
          classRows: s.rows,
          separation: s.separation,
        },
      });
    }
  },
});
