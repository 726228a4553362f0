import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CheckResult, openDataset, runChecks } from '@mlwarden/core';
import { CheckTester } from '@mlwarden/core/testing';
import { Dictionary, Float64, Int32, Table, tableToIPC, Utf8, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { testDataset } from '../_test-dataset.js';
import { createRandom } from '../stats/_random.js';
import { chiSquare } from '../stats/chi-square.js';
import { jensenShannon } from '../stats/jensen-shannon.js';
import { ksTwoSample } from '../stats/ks-two-sample.js';
import { psi } from '../stats/psi.js';
import { normedWasserstein } from '../stats/wasserstein.js';
import { dataDriftCheck } from './data-drift-check.js';

const tester = new CheckTester(dataDriftCheck);

function gaussian(seed: number, mean = 0, sd = 1) {
  const random = createRandom(seed);
  return () =>
    mean + sd * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}
const draw = (n: number, gen: () => number) => Array.from({ length: n }, gen);
const COLOURS = ['red', 'green', 'blue', 'black'];

function colours(n: number, seed: number, weights: number[]) {
  const random = createRandom(seed);
  const total = weights.reduce((a, b) => a + b, 0);
  return Array.from({ length: n }, () => {
    let u = random() * total;
    for (let k = 0; k < weights.length; k++) {
      u -= weights[k] as number;
      if (u < 0) return COLOURS[k] as string;
    }
    return COLOURS[weights.length - 1] as string;
  });
}

function table(columns: { stable: number[]; moved: number[]; colour: string[] }) {
  return new Table({
    stable: vectorFromArray(columns.stable, new Float64()),
    moved: vectorFromArray(columns.moved, new Float64()),
    colour: vectorFromArray(columns.colour, new Dictionary(new Utf8(), new Int32())),
  });
}

const columnsOf = (result: CheckResult) =>
  result.metrics.columns as Record<string, Record<string, unknown>>;

interface NumericMetrics {
  ks: { statistic: number; pValue: number };
  wassersteinDistance: number;
  psi: number;
  values: unknown;
  missing: unknown;
  errorBounds?: {
    ksStatistic: number;
    ksPValue: [number, number];
    wassersteinDistance: number;
    psi: [number, number];
  };
}
const numericOf = (result: CheckResult, name: string) =>
  columnsOf(result)[name] as unknown as NumericMetrics;

describe('data.drift with a small reference (p-value tests)', () => {
  const ref = {
    stable: draw(800, gaussian(1)),
    moved: draw(800, gaussian(2)),
    colour: colours(800, 3, [4, 3, 2, 1]),
  };
  const cur = {
    stable: draw(600, gaussian(4)),
    moved: draw(600, gaussian(5, 0.6)),
    colour: colours(600, 6, [1, 2, 3, 4]),
  };
  const inputs = {
    reference: testDataset(table(ref), { source: 'ref.arrow', batchRows: 128 }),
    dataset: testDataset(table(cur), { source: 'cur.arrow', batchRows: 100 }),
  };

  it('reports the metrics of every column, equal to the pure functions', async () => {
    const result = await tester.run({ inputs });
    const columns = columnsOf(result);
    const moved = columns.moved as Record<string, unknown>;
    const ks = ksTwoSample(ref.moved, cur.moved);
    expect(moved).toMatchObject({
      kind: 'numeric',
      test: 'ks',
      drifted: true,
      ks: { statistic: ks.statistic, pValue: ks.pValue, method: 'exact' },
      wasserstein: normedWasserstein(ref.moved, cur.moved),
      psi: psi(ref.moved, cur.moved),
    });
    expect((columns.stable as Record<string, unknown>).drifted).toBe(false);
    const categories = ['black', 'blue', 'green', 'red'];
    const refCounts = categories.map((c) => ref.colour.filter((x) => x === c).length);
    const curCounts = categories.map((c) => cur.colour.filter((x) => x === c).length);
    const chi2 = chiSquare(refCounts, curCounts);
    expect(columns.colour).toMatchObject({
      kind: 'categorical',
      test: 'chi2',
      drifted: true,
      chi2: { statistic: chi2.statistic, pValue: chi2.pValue, dof: 3 },
      jensenShannon: jensenShannon(refCounts, curCounts),
    });
    expect(result.metrics.driftShare).toBeCloseTo(2 / 3, 12);
    expect(result.metrics.datasetDrift).toBe(true);
    expect(result.metrics.mode).toBe('exact');
  });

  it('reports drifted columns and dataset drift as findings', async () => {
    await tester.expect(
      { inputs },
      {
        status: 'fail',
        findings: [
          {
            rule: 'column-drift',
            message: 'column "moved" drifted: KS p-value',
            location: { column: 'moved' },
          },
          {
            rule: 'column-drift',
            message: 'column "colour" drifted: chi-square',
            location: { column: 'colour' },
          },
          { rule: 'dataset-drift', severity: 'high', message: '2 of 3 columns drifted' },
        ],
      },
    );
  });

  it('follows the configured thresholds and tests', async () => {
    const result = await tester.run({
      inputs,
      options: {
        numericTest: 'psi',
        psi: 10,
        categoricalTest: 'jensenShannon',
        jensenShannon: 0.9,
        driftShare: 1,
      },
    });
    expect(result.findings).toEqual([]);
    expect(result.metrics.datasetDrift).toBe(false);
    expect(columnsOf(result).moved?.test).toBe('psi');
  });
});

describe('data.drift with a large reference (distance tests)', () => {
  it('decides by normalised Wasserstein and Jensen-Shannon', async () => {
    const ref = {
      stable: draw(20_000, gaussian(7)),
      moved: draw(20_000, gaussian(8)),
      colour: colours(20_000, 9, [1, 1, 1, 1]),
    };
    const cur = {
      stable: draw(20_000, gaussian(10, 0.04)),
      moved: draw(20_000, gaussian(11, 0.3)),
      colour: colours(20_000, 12, [1, 1, 1, 1.2]),
    };
    const result = await tester.run({
      inputs: { reference: testDataset(table(ref)), dataset: testDataset(table(cur)) },
    });
    const columns = columnsOf(result);
    // A small shift is significant at n=20000 but below the distance threshold.
    expect(numericOf(result, 'stable').ks.pValue).toBeLessThan(0.05);
    expect(columns.stable).toMatchObject({ test: 'wasserstein', drifted: false });
    expect(columns.moved).toMatchObject({ test: 'wasserstein', drifted: true });
    expect(columns.colour).toMatchObject({ test: 'jensenShannon', drifted: false });
    expect(result.metrics.datasetDrift).toBe(false);
  });

  it('states error bounds in sketch mode, and the exact values lie within them', async () => {
    const n = 150_000;
    const ref = {
      stable: draw(n, gaussian(13)),
      moved: draw(n, gaussian(14)),
      colour: colours(n, 15, [1, 1]),
    };
    const cur = {
      stable: draw(n, gaussian(16)),
      moved: draw(n, gaussian(17, 0.02)),
      colour: colours(n, 18, [1, 1]),
    };
    const inputs = {
      reference: testDataset(table(ref), { batchRows: 50_000 }),
      dataset: testDataset(table(cur), { batchRows: 50_000 }),
    };
    const sketch = await tester.run({ inputs, options: { mode: 'sketch' } });
    const exact = await tester.run({ inputs, options: { mode: 'exact' } });
    expect(sketch.metrics.mode).toBe('sketch');
    for (const name of ['stable', 'moved']) {
      const s = numericOf(sketch, name);
      const e = numericOf(exact, name);
      expect(e.errorBounds).toBeUndefined();
      const bounds = s.errorBounds as NonNullable<NumericMetrics['errorBounds']>;
      expect(e.ks.statistic).toBeGreaterThanOrEqual(s.ks.statistic);
      expect(e.ks.statistic).toBeLessThanOrEqual(s.ks.statistic + bounds.ksStatistic + 1e-15);
      expect(e.ks.pValue).toBeGreaterThanOrEqual(bounds.ksPValue[0]);
      expect(e.ks.pValue).toBeLessThanOrEqual(bounds.ksPValue[1]);
      expect(e.wassersteinDistance).toBeGreaterThanOrEqual(s.wassersteinDistance * (1 - 1e-12));
      expect(e.wassersteinDistance).toBeLessThanOrEqual(
        s.wassersteinDistance + bounds.wassersteinDistance + 1e-12,
      );
      expect(e.psi).toBeGreaterThanOrEqual(bounds.psi[0]);
      expect(e.psi).toBeLessThanOrEqual(bounds.psi[1]);
      expect(s.psi).toBeGreaterThanOrEqual(bounds.psi[0]);
      expect(s.psi).toBeLessThanOrEqual(bounds.psi[1]);
    }
  });
});

describe('data.drift in worker threads', () => {
  it('gives the same metrics on 2 worker threads as on the calling thread, in every mode', async () => {
    const n = 150_000;
    const ref = {
      stable: draw(n, gaussian(21)),
      moved: draw(n, gaussian(22)),
      colour: colours(n, 23, [1, 1, 1, 1]),
    };
    const cur = {
      stable: draw(n, gaussian(24, 0.01)),
      moved: draw(n, gaussian(25, 0.5, 1.3)),
      colour: colours(n, 26, [1, 2, 1, 1]),
    };
    for (const mode of ['exact', 'sketch'] as const) {
      // Known row counts collect into shared memory; unknown ones send copies of the chunks.
      for (const numRows of [true, false]) {
        const inputs = () => ({
          reference: testDataset(table(ref), { numRows, batchRows: 65_536 }),
          dataset: testDataset(table(cur), { numRows, batchRows: 65_536 }),
        });
        const one = await tester.run({ inputs: inputs(), options: { mode, workers: 1 } });
        const two = await tester.run({ inputs: inputs(), options: { mode, workers: 2 } });
        expect(two.status).toBe(one.status);
        expect(two.metrics).toEqual(one.metrics);
        expect(numericOf(two, 'moved').ks.statistic).toBeGreaterThan(0.1);
      }
    }
  });
});

describe('data.drift reading two Arrow IPC files at once', () => {
  it('gives the same report when one file is read on a worker thread', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlw-drift-ipc-'));
    try {
      const n = 300_000;
      const write = (name: string, seed: number, shift: number) => {
        const path = join(dir, name);
        const columns = {
          stable: draw(n, gaussian(seed)),
          moved: draw(n, gaussian(seed + 1, shift)),
          colour: colours(n, seed + 2, [1, 1, 1 + shift, 1]),
        };
        writeFileSync(path, tableToIPC(table(columns), 'file'));
        return path;
      };
      const refPath = write('reference.arrow', 31, 0);
      const curPath = write('current.arrow', 41, 0.4);
      const run = async (workers: number) =>
        tester.run({
          inputs: { reference: await openDataset(refPath), dataset: await openDataset(curPath) },
          options: { mode: 'exact', workers },
        });
      const one = await run(1);
      const two = await run(2);
      expect(one.status).not.toBe('error');
      expect(two.metrics).toEqual(one.metrics);
      expect(two.findings).toEqual(one.findings);
      expect((columnsOf(two).moved as { drifted: boolean }).drifted).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('data.drift on bad input', () => {
  it('reports schema mismatches and compares the rest', async () => {
    const reference = new Table({
      a: vectorFromArray([1, 2, 3, 4], new Float64()),
      b: vectorFromArray(['x', 'y', 'x', 'y'], new Utf8()),
      gone: vectorFromArray([1, 2, 3, 4], new Float64()),
    });
    const current = new Table({
      a: vectorFromArray([1, 2, 3, 5], new Float64()),
      b: vectorFromArray([1, 2, 3, 4], new Float64()),
      added: vectorFromArray(['p', 'q', 'r', 's'], new Utf8()),
    });
    const result = await tester.run({
      inputs: { reference: testDataset(reference), dataset: testDataset(current) },
    });
    const mismatches = result.findings.filter((f) => f.ruleId === 'data.drift/schema-mismatch');
    expect(mismatches.map((f) => f.location?.column).sort()).toEqual(['added', 'b', 'gone']);
    expect(mismatches.find((f) => f.location?.column === 'b')?.message).toContain(
      'is categorical (Utf8) in the reference but numeric (Float64) in the current dataset',
    );
    expect(Object.keys(columnsOf(result))).toEqual(['a']);
  });

  it('leaves out nulls, NaN and infinities, and says so', async () => {
    const values = draw(300, gaussian(20));
    const withBad = [
      ...values,
      null,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      null,
    ];
    const reference = new Table({ x: vectorFromArray(draw(400, gaussian(21)), new Float64()) });
    const current = new Table({ x: vectorFromArray(withBad, new Float64()) });
    const result = await tester.run({
      inputs: { reference: testDataset(reference), dataset: testDataset(current) },
    });
    const x = numericOf(result, 'x');
    expect(x.ks.statistic).toBe(
      ksTwoSample(reference.getChild('x')?.toArray() as Float64Array, values).statistic,
    );
    expect(x.values).toEqual({ reference: 400, current: 300 });
    expect(x.missing).toEqual({ reference: 0, current: 5 });
    const note = result.findings.find((f) => f.ruleId === 'data.drift/non-finite-values');
    expect(note?.evidence).toEqual({
      dataset: 'current',
      nan: 1,
      positiveInfinity: 1,
      negativeInfinity: 1,
    });
  });

  it('reports all-null columns instead of a number', async () => {
    const reference = new Table({
      x: vectorFromArray([1, 2, 3], new Float64()),
      c: vectorFromArray(['a', 'b', 'a'], new Dictionary(new Utf8(), new Int32())),
    });
    const current = new Table({
      x: vectorFromArray([null, null, null], new Float64()),
      c: vectorFromArray([null, null, null], new Dictionary(new Utf8(), new Int32())),
    });
    const result = await tester.run({
      inputs: { reference: testDataset(reference), dataset: testDataset(current) },
    });
    expect(result.findings.map((f) => [f.ruleId, f.location?.column])).toEqual([
      ['data.drift/no-values', 'x'],
      ['data.drift/no-values', 'c'],
    ]);
    expect(result.metrics.skippedColumns).toEqual({
      x: 'no finite values in the current dataset',
      c: 'no values in the current dataset',
    });
    expect(result.metrics.comparedColumns).toBe(0);
    expect(result.metrics.datasetDrift).toBe(false);
  });

  it('is incomplete, not a pass, when a dataset has no rows', async () => {
    const reference = new Table({ x: vectorFromArray([1, 2, 3], new Float64()) });
    const empty = new Table({ x: vectorFromArray([], new Float64()) });
    const result = await tester.run({
      inputs: { reference: testDataset(reference), dataset: testDataset(empty) },
    });
    expect(result.status).toBe('incomplete');
    expect(result.incomplete).toEqual([
      'the current dataset has no rows, so drift cannot be measured',
    ]);
  });

  it('rejects unknown options, naming the key', async () => {
    const reference = testDataset(new Table({ x: vectorFromArray([1], new Float64()) }));
    await expect(
      runChecks({
        checks: [dataDriftCheck],
        inputs: { reference, dataset: reference },
        settings: { 'data.drift': { options: { wassersteinThreshold: 0.2 } } },
      }),
    ).rejects.toThrow(/checks\.data\.drift\.options/);
  });
});

describe('histograms for plots', () => {
  it('records the PSI bins with reference and current counts, and category counts', async () => {
    const ref = table({
      stable: draw(800, gaussian(1)),
      moved: draw(800, gaussian(2)),
      colour: colours(800, 3, [4, 3, 2, 1]),
    });
    const cur = table({
      stable: draw(600, gaussian(4)),
      moved: draw(600, gaussian(5, 1)),
      colour: colours(600, 6, [1, 2, 3, 4]),
    });
    const result = await tester.run({
      inputs: { reference: testDataset(ref), dataset: testDataset(cur) },
    });
    const moved = columnsOf(result).moved?.histogram as {
      edges: number[];
      reference: number[];
      current: number[];
    };
    expect(moved.edges).toHaveLength(9);
    expect(moved.reference.reduce((a, b) => a + b, 0)).toBe(800);
    expect(moved.current.reduce((a, b) => a + b, 0)).toBe(600);
    // Deciles of the reference hold a tenth of it each; the shifted current piles up on the right.
    expect(Math.max(...moved.reference)).toBeLessThanOrEqual(81);
    expect(moved.current.at(-1)).toBeGreaterThan(150);
    const colour = columnsOf(result).colour?.histogram as {
      categories: string[];
      reference: number[];
    };
    expect(colour.categories).toEqual([...COLOURS].sort());
    expect(colour.reference.reduce((a, b) => a + b, 0)).toBe(800);
  });

  it('masks a category that looks like personal data', async () => {
    const make = (emails: string[]) =>
      new Table({ contact: vectorFromArray(emails, new Dictionary(new Utf8(), new Int32())) });
    const result = await tester.run({
      inputs: {
        reference: testDataset(make(['none', 'none', 'none', 'jane.doe@example.com'])),
        dataset: testDataset(make(['none', 'none', 'none', 'none'])),
      },
    });
    const histogram = columnsOf(result).contact?.histogram as { categories: string[] };
    expect(histogram.categories).toEqual(['[masked]', 'none']);
    expect(JSON.stringify(result)).not.toContain('jane.doe');
  });
});
