import type { CheckResult, Finding } from '@mlwarden/core';
import { runChecks } from '@mlwarden/core';
import { CheckTester } from '@mlwarden/core/testing';
import {
  Bool,
  DateMillisecond,
  Dictionary,
  Float64,
  Int32,
  Table,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { testDataset } from '../_test-dataset.js';
import { createRandom } from '../stats/_random.js';
import { dataIntegrityCheck } from './data-integrity-check.js';

const tester = new CheckTester(dataIntegrityCheck);
const byRule = (result: CheckResult, rule: string) =>
  result.findings.filter((f) => f.ruleId === `data.integrity/${rule}`);
const one = (result: CheckResult, rule: string, column?: string): Finding => {
  const found = byRule(result, rule).filter(
    (f) => column === undefined || f.location?.column === column,
  );
  expect(found, `${rule} ${column ?? ''}`).toHaveLength(1);
  return found[0] as Finding;
};

describe('data.integrity with a given contract', () => {
  const n = 200;
  const ids = Array.from({ length: n }, (_, i) => (i === 150 || i === 151 ? 7 : i));
  const amounts = Array.from({ length: n }, (_, i) =>
    i % 40 === 3 ? -5 : i % 50 === 4 ? 1e6 : i * 1.5,
  );
  const countries = Array.from({ length: n }, (_, i) =>
    i % 25 === 0 ? 'XX' : (['DE', 'FR', 'NL'][i % 3] as string),
  );
  const emails = Array.from({ length: n }, (_, i) =>
    i % 20 === 0 ? `not-an-email-${i}` : i % 33 === 0 ? null : `user${i}@example.com`,
  );
  const dataset = testDataset(
    new Table({
      id: vectorFromArray(ids, new Int32()),
      amount: vectorFromArray(amounts, new Float64()),
      country: vectorFromArray(countries, new Dictionary(new Utf8(), new Int32())),
      email: vectorFromArray(emails, new Utf8()),
      extra: vectorFromArray(
        Array.from({ length: n }, () => true),
        new Bool(),
      ),
      score: vectorFromArray(
        Array.from({ length: n }, (_, i) => String(i)),
        new Utf8(),
      ),
    }),
    { source: 'tx.arrow', batchRows: 64 },
  );
  const contract = {
    rows: { min: 500 },
    additionalColumns: false,
    columns: [
      { name: 'id', type: 'integer', nullable: false, unique: true },
      { name: 'amount', type: 'float', min: 0, max: 1000 },
      { name: 'country', type: 'category', allowedValues: ['DE', 'FR', 'NL'] },
      { name: 'email', type: 'string', nullable: false, pattern: '[^@\\s]+@[^@\\s]+' },
      { name: 'score', type: 'float' },
      { name: 'created', type: 'datetime' },
    ],
  };

  it('reports every violation with exact counts', async () => {
    const result = await tester.run({ inputs: { dataset }, options: { contract, samples: 3 } });
    expect(one(result, 'row-count').message).toBe(
      'the dataset has 200 rows; the contract asks for at least 500',
    );
    // id 7 occurs at rows 7, 150 and 151.
    expect(one(result, 'duplicate-values', 'id').evidence?.count).toBe(2);
    expect(one(result, 'duplicate-values', 'id').location?.rows).toEqual([150, 151]);
    const range = one(result, 'out-of-range', 'amount');
    const outside = amounts.filter((a) => a < 0 || a > 1000).length;
    expect(range.evidence).toMatchObject({ count: outside, observedMin: -5, observedMax: 1e6 });
    expect(range.location?.rows).toEqual([3, 4, 43]);
    const unexpected = one(result, 'unexpected-values', 'country');
    expect(unexpected.evidence).toMatchObject({
      count: countries.filter((c) => c === 'XX').length,
      values: ['XX'],
    });
    expect(one(result, 'pattern-mismatch', 'email').evidence?.count).toBe(
      emails.filter((e) => e !== null && !e.includes('@')).length,
    );
    expect(one(result, 'null-values', 'email').evidence?.count).toBe(
      emails.filter((e) => e === null).length,
    );
    expect(one(result, 'type-mismatch', 'score').message).toBe(
      'column "score" is Utf8; the given contract says float',
    );
    expect(one(result, 'missing-column', 'created').message).toContain(
      'column "created" (datetime)',
    );
    expect(one(result, 'unexpected-column', 'extra').message).toBe(
      'column "extra" is not in the given contract',
    );
    expect(result.metrics.contract).toEqual({ source: 'given', columns: 6 });
  });

  it('rejects an invalid contract, naming the key', async () => {
    await expect(
      runChecks({
        checks: [dataIntegrityCheck],
        inputs: { dataset },
        settings: {
          'data.integrity': { options: { contract: { columns: [{ name: 'a', type: 'int' }] } } },
        },
      }),
    ).rejects.toThrow(
      /checks\.data\.integrity\.options\.contract: contract: invalid data contract: columns\[0\]\.type/,
    );
  });

  it('never shows raw personal data from offending values', async () => {
    const result = await tester.run({
      inputs: { dataset },
      options: { contract: { columns: [{ name: 'email', type: 'string', allowedValues: ['x'] }] } },
    });
    const text = JSON.stringify(result);
    expect(text).toContain('u***@e***.com');
    expect(text).not.toMatch(/user\d+@example\.com/);
  });
});

describe('data.integrity against a reference', () => {
  const random = createRandom(5);
  const n = 1000;
  const refTable = new Table({
    age: vectorFromArray(
      Array.from({ length: n }, () => Math.floor(random() * 80)),
      new Int32(),
    ),
    plan: vectorFromArray(
      Array.from({ length: n }, (_, i) => ['free', 'pro', 'team'][i % 3] as string),
      new Utf8(),
    ),
    income: vectorFromArray(
      Array.from({ length: n }, () => random() * 1e5),
      new Float64(),
    ),
    joined: vectorFromArray(
      Array.from({ length: n }, (_, i) => new Date(Date.UTC(2024, 0, 1 + (i % 300)))),
      new DateMillisecond(),
    ),
  });
  const m = 500;
  const incomes = Array.from({ length: m }, (_, i) => (i % 2 === 0 ? null : random() * 1e5));
  const curTable = new Table({
    age: vectorFromArray(
      Array.from({ length: m }, () => String(Math.floor(random() * 80))),
      new Utf8(),
    ),
    plan: vectorFromArray(
      Array.from({ length: m }, (_, i) => ['free', 'pro', 'enterprise'][i % 3] as string),
      new Utf8(),
    ),
    income: vectorFromArray(incomes, new Float64()),
    region: vectorFromArray(
      Array.from({ length: m }, () => 'eu'),
      new Utf8(),
    ),
  });
  const inputs = {
    reference: testDataset(refTable, { source: 'train.arrow' }),
    dataset: testDataset(curTable, { source: 'test.arrow', batchRows: 77 }),
  };

  it('infers a contract from the reference and finds schema changes', async () => {
    const result = await tester.run({ inputs });
    expect(result.metrics.contract).toEqual({ source: 'inferred', columns: 4 });
    expect(one(result, 'type-mismatch', 'age').message).toBe(
      'column "age" is Utf8; the inferred contract says integer',
    );
    expect(one(result, 'missing-column', 'joined').message).toContain(
      '"joined" (datetime) of the inferred contract',
    );
    expect(one(result, 'unexpected-column', 'region')).toBeDefined();
    expect(one(result, 'null-values', 'income').evidence?.count).toBe(250);
    expect(one(result, 'missing-values', 'income').message).toBe(
      'column "income" is 50.0% missing (more than 30.0%)',
    );
    expect(one(result, 'missing-increase', 'income').message).toContain(
      'up from 0% in the reference',
    );
    expect(one(result, 'constant-column', 'region')).toBeDefined();
    const added = one(result, 'new-categories', 'plan');
    expect(added.evidence).toMatchObject({ count: 1, rows: 166, values: ['enterprise'] });
    expect(one(result, 'vanished-categories', 'plan').evidence).toMatchObject({
      count: 1,
      values: ['team'],
    });
  });

  it('reports text columns that mix numbers and text', async () => {
    const values = Array.from({ length: 300 }, (_, i) =>
      i % 10 === 0 ? 'unknown' : String(i * 2.5),
    );
    const result = await tester.run({
      inputs: { dataset: testDataset(new Table({ price: vectorFromArray(values, new Utf8()) })) },
    });
    expect(one(result, 'mixed-types', 'price').message).toBe(
      'text column "price" mixes number-like values (90.0%) and text values (10.0%)',
    );
  });
});

describe('data.integrity rows and labels', () => {
  it('counts duplicate rows and rows shared with the reference exactly', async () => {
    const train = new Table({
      a: vectorFromArray([1, 2, 3, 4, 5, 6], new Float64()),
      b: vectorFromArray(['x', 'y', 'z', 'x', 'y', 'z'], new Dictionary(new Utf8(), new Int32())),
    });
    const test = new Table({
      a: vectorFromArray([1, 2, 9, 9, 9, 4, -0, 0], new Int32()),
      b: vectorFromArray(['x', 'q', 'r', 'r', 'r', 'x', 's', 's'], new Utf8()),
    });
    const result = await tester.run({
      inputs: { reference: testDataset(train), dataset: testDataset(test, { batchRows: 3 }) },
      options: { inferContract: false, maxDuplicateShare: 0 },
    });
    // (9, r) three times and (0, s) twice: 3 repeats. (1, x) and (4, x) are in the reference.
    expect(one(result, 'duplicate-rows').evidence).toMatchObject({ count: 3 });
    expect(one(result, 'duplicate-rows').location?.rows).toEqual([3, 4, 7]);
    const overlap = one(result, 'train-test-overlap');
    expect(overlap.evidence).toMatchObject({ count: 2, columns: ['a', 'b'] });
    expect(overlap.location?.rows).toEqual([0, 5]);
  });

  it('finds a feature that alone predicts the label, and class imbalance', async () => {
    const random = createRandom(11);
    const n = 4000;
    const label = Array.from({ length: n }, () => (random() < 0.05 ? 'fraud' : 'ok'));
    const leaky = label.map((l) => (l === 'fraud' ? 100 + random() : random() * 50));
    const noise = Array.from({ length: n }, () => random());
    const colour = Array.from({ length: n }, () => (random() < 0.5 ? 'red' : 'blue'));
    const result = await tester.run({
      inputs: {
        dataset: testDataset(
          new Table({
            leaky: vectorFromArray(leaky, new Float64()),
            noise: vectorFromArray(noise, new Float64()),
            colour: vectorFromArray(colour, new Utf8()),
            label: vectorFromArray(label, new Utf8()),
          }),
        ),
      },
      options: { label: 'label' },
    });
    expect(byRule(result, 'label-leakage').map((f) => f.location?.column)).toEqual(['leaky']);
    const leak = one(result, 'label-leakage', 'leaky').evidence as {
      score: number;
      accuracy: number;
    };
    expect(leak.score).toBeGreaterThan(0.95);
    const frauds = label.filter((l) => l === 'fraud').length;
    const imbalance = one(result, 'class-imbalance', 'label');
    expect(imbalance.evidence).toMatchObject({
      largest: { value: 'ok', count: n - frauds },
      smallest: { value: 'fraud', count: frauds },
    });
    const metric = result.metrics.label as { leakage: { feature: string; score: number }[] };
    expect(metric.leakage.find((l) => l.feature === 'noise')?.score).toBeLessThan(0.2);
  });

  it('reports empty columns and infinite values', async () => {
    const result = await tester.run({
      inputs: {
        dataset: testDataset(
          new Table({
            gone: vectorFromArray([null, null, null], new Float64()),
            x: vectorFromArray([1, Number.POSITIVE_INFINITY, 3], new Float64()),
          }),
        ),
      },
    });
    expect(one(result, 'empty-column', 'gone').message).toBe(
      'column "gone" has no values: all 3 rows are missing',
    );
    expect(one(result, 'infinite-values', 'x').evidence).toEqual({ count: 1 });
  });
});
