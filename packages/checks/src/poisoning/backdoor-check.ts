import { defineCheck } from '@mlwarden/core';
import { analyseRepresentations } from './_backdoor-representations.js';
import { jsonNumber, MAX_LOCATION_ROWS, percent, pText } from './_format.js';
import { labelOrSkip } from './_label-or-skip.js';
import { backdoorOptions } from './backdoor-options.js';
import { findTriggers } from './find-triggers.js';

export const backdoorCheck = defineCheck({
  meta: {
    id: 'poisoning.backdoor',
    title: 'Backdoor triggers',
    description:
      'Hunts for backdoor triggers in training data: rare values or value pairs that almost always come with one label, unlike the rest of the data; and, given embedding or activation columns or a TensorFlow.js model layer, spectral signatures and activation clustering per class.',
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
      'activation-cluster': {
        title: 'Small activation cluster within a class',
        description:
          'k-means splits the (PCA-reduced) activations of one class into clusters and one holds a small share of the class, as backdoored examples do (activation clustering).',
        severity: 'high',
        remediation:
          'Inspect the rows of the small cluster (they are listed highest score first); remove them if they are poisoned and retrain.',
      },
      'non-finite-activations': {
        title: 'Rows with NaN or infinite representations',
        description:
          'Some rows give NaN or infinite activations or embeddings; they are left out of spectral signatures and activation clustering.',
        severity: 'medium',
        remediation:
          'Check those rows for extreme input values and the model for numeric overflow; fix or drop them and rerun.',
      },
    },
    docs: 'docs/checks/poisoning.backdoor.md',
    timeoutMs: 1_800_000,
  },
  async run(ctx) {
    const options = ctx.options;
    const dataset = ctx.inputs.dataset;
    const uri = dataset.source;
    const label = labelOrSkip(ctx, options.label);
    if (label === undefined) return;
    const search = await findTriggers(dataset, {
      label,
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
    if (options.embeddings.length === 0 && options.model === undefined) return;
    await analyseRepresentations(ctx, label);
  },
});
