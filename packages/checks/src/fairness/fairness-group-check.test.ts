import { datasetFromTable } from '@mlwarden/core';
import { CheckTester } from '@mlwarden/core/testing';
import { Bool, Dictionary, Float64, Int32, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../stats/_random.js';
import { fairnessGroupCheck } from './fairness-group-check.js';

const tester = new CheckTester(fairnessGroupCheck);

interface Rows {
  group: string[];
  y: number[];
  yHat: number[];
  score?: number[];
}

/** Groups with the given selection rates (and a label that is right 80% of the time). */
function rows(seed: number, spec: Record<string, { n: number; rate: number }>): Rows {
  const random = createRandom(seed);
  const out: Rows = { group: [], y: [], yHat: [], score: [] };
  for (const [group, { n, rate }] of Object.entries(spec)) {
    for (let i = 0; i < n; i++) {
      const selected = random() < rate;
      out.group.push(group);
      out.yHat.push(selected ? 1 : 0);
      out.y.push(random() < 0.8 ? Number(selected) : Number(!selected));
      out.score?.push(selected ? 0.5 + random() / 2 : random() / 2);
    }
  }
  return out;
}

function dataset(r: Rows, extra: Record<string, unknown> = {}) {
  return datasetFromTable(
    new Table({
      group: vectorFromArray(r.group, new Dictionary(new Utf8(), new Int32())),
      y: vectorFromArray(r.y, new Int32()),
      yHat: vectorFromArray(r.yHat, new Int32()),
      ...(r.score && { score: vectorFromArray(r.score, new Float64()) }),
      ...extra,
    }),
    { source: 'memory://loans' },
  );
}

const base = { sensitive: ['group'], label: 'y', prediction: 'yHat' };

describe('fairness.group', () => {
  it('finds demographic parity, four-fifths and equalized-odds violations with intervals', async () => {
    const data = rows(1, {
      a: { n: 2000, rate: 0.5 },
      b: { n: 2000, rate: 0.3 },
      c: { n: 10, rate: 0 },
    });
    const result = await tester.run({ inputs: { dataset: dataset(data) }, options: base, seed: 7 });
    expect(result.status).toBe('fail');
    const rules = result.findings.map((f) => f.ruleId.split('/')[1]);
    expect(rules).toEqual([
      'small-group',
      'demographic-parity',
      'equalized-odds',
      'disparate-impact',
    ]);
    const impact = result.findings.find((f) => f.ruleId.endsWith('disparate-impact'));
    expect(impact?.severity).toBe('high');
    expect(impact?.message).toMatch(/"b".*times that of "a"/);
    expect(impact?.location).toEqual({ uri: 'memory://loans', column: 'group' });
    // Group c is too small: reported, not judged, and not the subject of any finding.
    const groups = result.metrics.groups as Record<string, Record<string, Record<string, unknown>>>;
    expect(groups.group?.c?.judged).toBe(false);
    expect(groups.group?.c?.count).toBe(10);
    // Fairlearn's value counts group c (selection rate 0); the judged value does not.
    const disparities = result.metrics.disparities as Record<string, Record<string, number>>;
    const judged = result.metrics.judged as Record<string, Record<string, number>>;
    expect(disparities.group?.demographicParityRatio).toBe(0);
    expect(judged.group?.disparateImpact).toBeGreaterThan(0.5);
    expect(judged.group?.disparateImpact).toBeLessThan(0.7);
    const intervals = result.metrics.confidenceIntervals as Record<
      string,
      Record<string, number[]>
    >;
    const [lo, hi] = intervals.group?.demographicParityDifference ?? [];
    const point = disparities.group?.demographicParityDifference as number;
    expect(lo).toBeLessThan(point);
    expect(hi).toBeGreaterThan(point);
  });

  it('is reproducible from the seed and changes with it', async () => {
    const data = dataset(rows(2, { a: { n: 500, rate: 0.5 }, b: { n: 500, rate: 0.45 } }));
    const run = (seed: number) => tester.run({ inputs: { dataset: data }, options: base, seed });
    const [a, b, c] = await Promise.all([run(3), run(3), run(4)]);
    expect(a.metrics.confidenceIntervals).toEqual(b.metrics.confidenceIntervals);
    expect(a.metrics.confidenceIntervals).not.toEqual(c.metrics.confidenceIntervals);
  });

  it('passes fair predictions and marks an unclear violation as low', async () => {
    const fair = rows(3, { a: { n: 3000, rate: 0.4 }, b: { n: 3000, rate: 0.4 } });
    await tester.expect(
      { inputs: { dataset: dataset(fair) }, options: base },
      { status: 'pass', findings: [] },
    );
    // Exactly 24/60 against 15/60 selected: 0.15 apart, but the interval reaches below 0.1.
    const exact: Rows = { group: [], y: [], yHat: [] };
    for (const [group, selected] of [
      ['a', 24],
      ['b', 15],
    ] as const) {
      for (let i = 0; i < 60; i++) {
        exact.group.push(group);
        exact.yHat.push(i < selected ? 1 : 0);
        exact.y.push(i % 2);
      }
    }
    const result = await tester.run({
      inputs: { dataset: dataset(exact) },
      options: { ...base, disparateImpact: null, equalizedOddsDifference: null },
    });
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]?.severity).toBe('low');
    expect(result.findings[0]?.message).toMatch(
      /differ by 0\.15 .*not clearly above it at 95% confidence/,
    );
  });

  it('measures each feature and their intersection', async () => {
    const random = createRandom(5);
    const n = 4000;
    const sex = Array.from({ length: n }, () => (random() < 0.5 ? 'F' : 'M'));
    const race = Array.from({ length: n }, () => (random() < 0.7 ? 'A' : 'B'));
    // Only the intersection (F, B) is disadvantaged.
    const yHat = sex.map((s, i) => Number(random() < (s === 'F' && race[i] === 'B' ? 0.2 : 0.5)));
    const table = new Table({
      sex: vectorFromArray(sex, new Utf8()),
      race: vectorFromArray(race, new Utf8()),
      yHat: vectorFromArray(yHat, new Int32()),
    });
    const result = await tester.run({
      inputs: { dataset: datasetFromTable(table) },
      options: { sensitive: ['sex', 'race'], prediction: 'yHat', bootstrap: 100 },
    });
    const disparities = result.metrics.disparities as Record<string, Record<string, number | null>>;
    expect(Object.keys(disparities)).toEqual(['sex', 'race', 'sex & race']);
    // Without a label, error-rate disparities are undefined.
    expect(disparities.sex?.equalizedOddsDifference).toBeNull();
    const inter = result.findings.filter((f) => f.location?.field === 'sex & race');
    expect(inter.map((f) => f.ruleId.split('/')[1])).toEqual([
      'demographic-parity',
      'disparate-impact',
    ]);
    expect(inter[1]?.message).toContain('"F & B"');
  });

  it('reads scores with a threshold and reports NaN scores', async () => {
    const data = rows(6, { a: { n: 300, rate: 0.5 }, b: { n: 300, rate: 0.5 } });
    const score = (data.score as number[]).map((s, i) => (i % 50 === 0 ? Number.NaN : s));
    const result = await tester.run({
      inputs: { dataset: dataset({ ...data, score }) },
      options: { sensitive: ['group'], label: 'y', score: 'score', threshold: 0.5 },
    });
    const invalid = result.findings.find((f) => f.ruleId.endsWith('invalid-scores'));
    expect(invalid?.message).toContain('12 of 600 scores in "score" are NaN');
    expect((result.metrics.rows as { used: number }).used).toBe(588);
  });

  it('gives an error when every score is NaN', async () => {
    const data = rows(7, { a: { n: 50, rate: 0.5 }, b: { n: 50, rate: 0.5 } });
    const score = data.group.map(() => Number.NaN);
    await tester.expect(
      {
        inputs: { dataset: dataset({ ...data, score }) },
        options: { sensitive: ['group'], label: 'y', score: 'score' },
      },
      { status: 'error' },
    );
  });

  it('reports constant positive predictions and a single group', async () => {
    const data = rows(8, { only: { n: 200, rate: 1 } });
    const result = await tester.run({ inputs: { dataset: dataset(data) }, options: base });
    expect(result.findings.map((f) => f.ruleId.split('/')[1])).toEqual([
      'constant-prediction',
      'single-group',
    ]);
    expect(result.findings[0]?.message).toContain('every prediction is positive');
    expect(result.findings[1]?.message).toContain('"group" has a single group ("only", 200 rows)');
  });

  it('names a missing sensitive column in its error', async () => {
    const data = rows(9, { a: { n: 50, rate: 0.5 } });
    const result = await tester.run({
      inputs: { dataset: dataset(data) },
      options: { ...base, sensitive: ['group', 'gender'] },
    });
    expect(result.status).toBe('error');
    expect(result.error?.code).toBe('MLW_INPUT_INVALID');
    expect(result.error?.message).toContain('the sensitive column "gender" does not exist');
  });

  it('rejects a positive label that never occurs, and an identifier as a sensitive feature', async () => {
    const data = rows(10, { a: { n: 100, rate: 0.5 }, b: { n: 100, rate: 0.5 } });
    const wrong = await tester.run({
      inputs: { dataset: dataset(data) },
      options: { ...base, positiveLabel: 'yes' },
    });
    expect(wrong.error?.message).toContain('positiveLabel "yes" occurs neither');
    const ids = data.group.map((_, i) => `user-${i}`);
    const id = await tester.run({
      inputs: { dataset: dataset({ ...data, group: ids }) },
      options: { ...base, maxGroups: 50 },
    });
    expect(id.error?.message).toContain('more than 50 distinct values');
  });

  it('treats null sensitive values as a group and boolean outcomes by positiveLabel', async () => {
    const random = createRandom(11);
    const n = 400;
    const group = Array.from({ length: n }, (_, i) =>
      i % 4 === 0 ? null : random() < 0.5 ? 'x' : 'y',
    );
    const approved = Array.from({ length: n }, () => random() < 0.5);
    const table = new Table({
      group: vectorFromArray(group, new Utf8()),
      approved: vectorFromArray(approved, new Bool()),
    });
    const result = await tester.run({
      inputs: { dataset: datasetFromTable(table) },
      options: { sensitive: ['group'], prediction: 'approved', positiveLabel: true },
    });
    const groups = result.metrics.groups as Record<string, Record<string, { count: number }>>;
    expect(groups.group?.['(null)']?.count).toBe(100);
    const total = Object.values(groups.group ?? {}).reduce((a, g) => a + g.count, 0);
    expect(total).toBe(n);
  });

  it('skips without sensitive features or predictions', async () => {
    const data = dataset(rows(12, { a: { n: 10, rate: 0.5 } }));
    await tester.expect({ inputs: { dataset: data }, options: {} }, { status: 'skip' });
    await tester.expect(
      { inputs: { dataset: data }, options: { sensitive: ['group'] } },
      { status: 'skip' },
    );
  });
});
