import { defineCheck, type RuleMeta, type Severity } from '@mlwarden/core';
import type { Data } from 'apache-arrow';
import { childData } from '../arrow/_collect-columns.js';
import { columnKind } from '../arrow/_column-kind.js';
import { dictionaryIndices, dictionaryStrings, forEachString } from '../arrow/_strings.js';
import { isValid, validityOf } from '../arrow/_validity.js';
import { findPii, PII_KINDS, type PiiKind, type PiiMatch } from './find-pii.js';
import { piiOptions } from './pii-options.js';

const KIND_INFO: Record<PiiKind, { title: string; noun: string; severity: Severity }> = {
  email: { title: 'Email addresses', noun: 'email addresses', severity: 'medium' },
  phone: { title: 'Phone numbers', noun: 'phone numbers', severity: 'medium' },
  'payment-card': {
    title: 'Payment card numbers',
    noun: 'payment card numbers (Luhn-valid)',
    severity: 'high',
  },
  'us-ssn': {
    title: 'US social security numbers',
    noun: 'US social security numbers',
    severity: 'high',
  },
  iban: { title: 'IBANs', noun: 'IBANs (mod-97 valid)', severity: 'high' },
  'ip-address': { title: 'IP addresses', noun: 'IP addresses', severity: 'low' },
  'aws-access-key': {
    title: 'AWS access key ids',
    noun: 'AWS access key ids',
    severity: 'critical',
  },
  'google-api-key': { title: 'Google API keys', noun: 'Google API keys', severity: 'critical' },
  'private-key': { title: 'Private keys', noun: 'private key blocks', severity: 'critical' },
  'github-token': { title: 'GitHub tokens', noun: 'GitHub tokens', severity: 'critical' },
  'slack-token': {
    title: 'Slack tokens and webhooks',
    noun: 'Slack tokens or webhooks',
    severity: 'critical',
  },
  jwt: { title: 'JSON Web Tokens', noun: 'JSON Web Tokens', severity: 'high' },
  'high-entropy': {
    title: 'High-entropy strings',
    noun: 'high-entropy strings (likely secrets)',
    severity: 'medium',
  },
};

const rules: Record<string, RuleMeta> = Object.fromEntries([
  [
    'unknown-column',
    {
      title: 'Configured column not in the dataset',
      severity: 'info',
      remediation: 'Fix the column name in `checks.data.pii.options.columns`.',
    },
  ],
  ...PII_KINDS.map((kind) => [
    kind,
    {
      title: KIND_INFO[kind].title,
      severity: KIND_INFO[kind].severity,
      remediation:
        kind === 'email' || kind === 'phone' || kind === 'ip-address'
          ? 'Drop, hash or tokenise the column before training, or document the legal basis for keeping it.'
          : 'Remove the values, rotate any exposed credential, and find how it got into the data.',
    },
  ]),
]);

interface Tally {
  count: number;
  occurrences: number;
  samples: { row: number; masked: string }[];
}

export const dataPiiCheck = defineCheck({
  meta: {
    id: 'data.pii',
    title: 'Personal data and secrets',
    description:
      'Finds personal data (emails, phone numbers, Luhn-valid card numbers, US SSNs, mod-97-valid IBANs, IP addresses) and secrets (cloud keys, private keys, GitHub and Slack tokens, JWTs, high-entropy strings) in string columns. Reports counts and masked samples only.',
    category: 'privacy',
    defaultSeverity: 'high',
    taxonomy: { atlas: ['AML.T0024.000', 'AML.T0057'], owasp: ['ML03', 'ML04'] },
    requires: ['dataset'],
    options: piiOptions,
    rules,
    docs: 'docs/checks/data.pii.md',
  },
  async run(ctx) {
    const { dataset } = ctx.inputs;
    const options = ctx.options;
    const names = (options.columns ?? dataset.schema.fields.map((f) => f.name)).filter((name) => {
      if (options.exclude.includes(name)) return false;
      const field = dataset.schema.fields.find((f) => f.name === name);
      if (field === undefined) {
        ctx.report({
          rule: 'unknown-column',
          severity: 'info',
          message: `column "${name}" is not in the dataset; it was not scanned`,
          location: { uri: dataset.source, column: name },
        });
        return false;
      }
      const kind = columnKind(field.type);
      return kind === 'string' || kind === 'dictionary';
    });
    const allow = options.allow.map((source) => new RegExp(source));
    const findOptions = {
      kinds: options.kinds,
      minEntropy: options.minEntropy,
      minEntropyLength: options.minEntropyLength,
    };
    const scan = (text: string): PiiMatch[] => {
      const matches = findPii(text, findOptions);
      if (allow.length === 0) return matches;
      return matches.filter((m) => {
        const raw = text.slice(m.start, m.end);
        return !allow.some((pattern) => pattern.test(raw));
      });
    };
    const tallies = new Map<string, Map<PiiKind, Tally>>(names.map((n) => [n, new Map()]));
    const record = (column: string, matches: PiiMatch[], row: number, times = 1) => {
      const perKind = tallies.get(column) as Map<PiiKind, Tally>;
      const seen = new Set<PiiKind>();
      for (const m of matches) {
        let tally = perKind.get(m.kind);
        if (tally === undefined) {
          tally = { count: 0, occurrences: 0, samples: [] };
          perKind.set(m.kind, tally);
        }
        tally.occurrences += times;
        if (!seen.has(m.kind)) {
          seen.add(m.kind);
          tally.count += times;
          if (tally.samples.length < options.samples) tally.samples.push({ row, masked: m.masked });
        }
      }
    };
    // Dictionary entries are scanned once per dictionary, then counted through the indices.
    const dictionaryMatches = new WeakMap<object, (PiiMatch[] | undefined)[]>();
    const scanDictionary = (data: Data) => {
      const key = data.dictionary as object;
      let cached = dictionaryMatches.get(key);
      if (cached === undefined) {
        cached = dictionaryStrings(data).map((s) => {
          if (s === undefined) return undefined;
          const found = scan(s);
          return found.length > 0 ? found : undefined;
        });
        dictionaryMatches.set(key, cached);
      }
      return cached;
    };

    let rows = 0;
    let truncated = false;
    for await (let batch of dataset.batches({ columns: names, signal: ctx.signal })) {
      ctx.signal.throwIfAborted();
      if (rows + batch.numRows > options.maxRows) {
        batch = batch.slice(0, options.maxRows - rows);
        truncated = true;
      }
      for (const name of names) {
        const data = childData(batch, name);
        if (data === undefined) continue;
        if (columnKind(data.type) === 'dictionary') {
          const entries = scanDictionary(data);
          const indices = dictionaryIndices(data);
          const validity = validityOf(data);
          for (let i = 0; i < data.length; i++) {
            if (!isValid(validity, i)) continue;
            const matches = entries[indices[i] as number];
            if (matches !== undefined) record(name, matches, rows + i);
          }
        } else {
          forEachString(data, (value, i) => {
            const matches = scan(value);
            if (matches.length > 0) record(name, matches, rows + i);
          });
        }
      }
      rows += batch.numRows;
      ctx.progress(rows, dataset.numRows, 'scanning');
      if (truncated) break;
    }
    if (truncated) {
      ctx.incomplete(`only the first ${options.maxRows} rows were scanned (maxRows)`);
    }

    const columns: Record<string, Record<string, number>> = {};
    const totals: Record<string, number> = {};
    for (const [column, perKind] of tallies) {
      columns[column] = {};
      for (const kind of PII_KINDS) {
        const tally = perKind.get(kind);
        if (tally === undefined) continue;
        (columns[column] as Record<string, number>)[kind] = tally.count;
        totals[kind] = (totals[kind] ?? 0) + tally.count;
        const info = KIND_INFO[kind];
        const sampleRows = tally.samples.map((s) => s.row);
        ctx.report({
          rule: kind,
          severity: info.severity,
          message: `column "${column}" holds ${info.noun} in ${tally.count} ${tally.count === 1 ? 'value' : 'values'}${sampleRows.length > 0 ? ` (e.g. rows ${sampleRows.join(', ')})` : ''}`,
          location: { uri: dataset.source, column, rows: sampleRows },
          evidence: {
            kind,
            count: tally.count,
            occurrences: tally.occurrences,
            samples: tally.samples,
          },
          key: kind,
        });
      }
    }
    ctx.metric('scannedRows', rows);
    ctx.metric('scannedColumns', names);
    ctx.metric('columns', columns);
    ctx.metric('totals', totals);
  },
});
