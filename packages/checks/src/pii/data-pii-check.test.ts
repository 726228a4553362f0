import { builtinReporters, renderReport, runChecks } from '@mlwarden/core';
import { CheckTester } from '@mlwarden/core/testing';
import { Dictionary, Float64, Int32, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { testDataset } from '../_test-dataset.js';
import { createRandom } from '../stats/_random.js';
import { dataPiiCheck } from './data-pii-check.js';

const WORDS = [
  'order',
  'shipped',
  'late',
  'refund',
  'the',
  'customer',
  'asked',
  'about',
  'box',
  'blue',
];
const CARDS = ['4242424242424242', '5555 5555 5555 4444', '3782-822463-10005'];
const SECRETS = ['AKIAQWERTYUIOPASDFGH', 'ghp_Q1w2E3r4T5y6U7i8O9p0A1s2D3f4G5h6J7k8'];

/** Notes with planted values at known rows; returns the table and the expected counts. */
function plantedTable(rows: number) {
  const random = createRandom(99);
  const filler = () =>
    Array.from({ length: 6 }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
  const notes: (string | null)[] = [];
  const raw: string[] = [];
  const expected = {
    email: 0,
    'payment-card': 0,
    'us-ssn': 0,
    iban: 0,
    'aws-access-key': 0,
    'github-token': 0,
  };
  for (let i = 0; i < rows; i++) {
    let note = filler();
    if (i % 50 === 7) {
      const email = `person${i}.name@mail${i}.example.org`;
      raw.push(email);
      note += ` contact ${email}`;
      expected.email++;
    }
    if (i % 80 === 11) {
      const card = CARDS[i % CARDS.length] as string;
      raw.push(card);
      note += ` paid with ${card}`;
      expected['payment-card']++;
    }
    if (i % 123 === 5) {
      const ssn = `${String(100 + (i % 500)).padStart(3, '0')}-${String(10 + (i % 80)).padStart(2, '0')}-${String(1000 + i).padStart(4, '0')}`;
      raw.push(ssn);
      note += ` ssn ${ssn}`;
      expected['us-ssn']++;
    }
    if (i % 211 === 9) {
      raw.push('GB82WEST12345698765432');
      note += ' iban GB82 WEST 1234 5698 7654 32';
      expected.iban++;
    }
    if (i === 333 || i === 1999) {
      const secret = SECRETS[i === 333 ? 0 : 1] as string;
      raw.push(secret);
      note += ` token ${secret}`;
      expected[i === 333 ? 'aws-access-key' : 'github-token']++;
    }
    notes.push(i % 97 === 0 ? null : note);
  }
  // Nulls replace some planted rows: recount from what is really in the column.
  for (const key of Object.keys(expected) as (keyof typeof expected)[]) expected[key] = 0;
  for (const note of notes) {
    if (note === null) continue;
    if (note.includes('@mail')) expected.email++;
    if (CARDS.some((c) => note.includes(c))) expected['payment-card']++;
    if (note.includes(' ssn ')) expected['us-ssn']++;
    if (note.includes(' iban ')) expected.iban++;
    if (note.includes(SECRETS[0] as string)) expected['aws-access-key']++;
    if (note.includes(SECRETS[1] as string)) expected['github-token']++;
  }
  const owners = Array.from({ length: rows }, (_, i) =>
    i % 4 === 0 ? 'ops@corp.example.com' : `team ${i % 3}`,
  );
  const table = new Table({
    note: vectorFromArray(notes, new Utf8()),
    owner: vectorFromArray(owners, new Dictionary(new Utf8(), new Int32())),
    amount: vectorFromArray(
      Array.from({ length: rows }, () => random() * 100),
      new Float64(),
    ),
  });
  const ownerEmails = owners.filter((o) => o.includes('@')).length;
  return { table, expected, raw: [...new Set([...raw, 'ops@corp.example.com'])], ownerEmails };
}

describe('data.pii', () => {
  const rows = 5000;
  const planted = plantedTable(rows);
  const dataset = testDataset(planted.table, { source: 'notes.arrow', batchRows: 777 });

  it('finds every planted value with exact counts', async () => {
    const result = await new CheckTester(dataPiiCheck).run({ inputs: { dataset } });
    expect(result.status).toBe('fail');
    const count = (column: string, kind: string) =>
      result.findings.find((f) => f.location?.column === column && f.ruleId === `data.pii/${kind}`)
        ?.evidence?.count;
    for (const [kind, n] of Object.entries(planted.expected)) {
      expect(n).toBeGreaterThan(0);
      expect(count('note', kind), kind).toBe(n);
    }
    expect(count('owner', 'email')).toBe(planted.ownerEmails);
    const kinds = result.findings.map((f) => f.ruleId.split('/')[1]).sort();
    expect(kinds).toEqual([...Object.keys(planted.expected), 'email'].sort());
    expect(result.metrics.scannedRows).toBe(rows);
    expect(result.metrics.scannedColumns).toEqual(['note', 'owner']);
    const aws = result.findings.find((f) => f.ruleId === 'data.pii/aws-access-key');
    expect(aws?.severity).toBe('critical');
    expect(aws?.location?.rows).toEqual([333]);
  });

  it('never lets a raw value reach any reporter', async () => {
    const report = await runChecks({ checks: [dataPiiCheck], inputs: { dataset } });
    const outputs = [JSON.stringify(report)];
    for (const reporter of Object.values(builtinReporters)) {
      outputs.push(await renderReport(reporter, report, { checks: [dataPiiCheck.meta] }));
    }
    const all = outputs.join('\n');
    expect(all).toContain('j***@'.replace('j', 'p')); // masked emails are there
    for (const value of planted.raw) {
      expect(all.includes(value), `raw value ${value} leaked`).toBe(false);
      const digits = value.replace(/\D/g, '');
      if (digits.length >= 9) expect(all.includes(digits), `digits of ${value} leaked`).toBe(false);
    }
  });

  it('stops at maxRows and says so', async () => {
    const result = await new CheckTester(dataPiiCheck).run({
      inputs: { dataset },
      options: { maxRows: 1000 },
    });
    expect(result.status).not.toBe('pass');
    expect(result.incomplete).toEqual(['only the first 1000 rows were scanned (maxRows)']);
    expect(result.metrics.scannedRows).toBe(1000);
  });

  it('honours allow patterns and kinds', async () => {
    const result = await new CheckTester(dataPiiCheck).run({
      inputs: { dataset },
      options: { kinds: ['email'], allow: ['@corp\\.example\\.com$'] },
    });
    expect(result.findings.map((f) => f.location?.column)).toEqual(['note']);
  });

  it('rejects an invalid allow pattern naming the key', async () => {
    const result = runChecks({
      checks: [dataPiiCheck],
      inputs: { dataset },
      settings: { 'data.pii': { options: { allow: ['('] } } },
    });
    await expect(result).rejects.toThrow(/checks\.data\.pii\.options\.allow\[0\]/);
  });
});
