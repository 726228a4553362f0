import { CheckTester } from '@mlwarden/core/testing';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../stats/_random.js';
import { asDataset, type Blobs, blobs, blobTable } from './_test-data.js';
import { outliersCheck } from './outliers-check.js';

const tester = new CheckTester(outliersCheck);

/** Moves `count` rows starting at `from` by ±8 standard deviations in three features. */
function plant(data: Blobs, from: number, count: number, seed: number): Set<number> {
  const random = createRandom(seed);
  const rows = new Set<number>();
  for (let i = from; i < from + count; i++) {
    rows.add(i);
    for (const j of [0, 3, 5]) {
      const column = data.columns[j] as Float64Array;
      column[i] = (column[i] as number) + (random() < 0.5 ? -8 : 8);
    }
  }
  return rows;
}

interface Listed {
  row: number;
  score: number;
  unusual: { feature: string; z: number }[];
}

describe('poisoning.outliers', () => {
  it.each(['knn', 'mahalanobis', 'isolation-forest'] as const)(
    'finds planted outliers with %s',
    async (method) => {
      const data = blobs(3000, 8, 2, 1);
      const planted = plant(data, 100, 30, 2);
      const result = await tester.run({
        inputs: { dataset: asDataset(blobTable(data)) },
        options: { method, exclude: ['label'] },
        seed: 1,
      });
      const listed = result.metrics.outliers as unknown as Listed[];
      const hits = listed.filter((o) => planted.has(o.row)).length;
      expect(hits / listed.length).toBeGreaterThan(0.5);
      expect(hits / planted.size).toBeGreaterThan(method === 'isolation-forest' ? 0.3 : 0.9);
      const finding = result.findings.find((f) => f.ruleId.endsWith('/outliers'));
      expect(finding?.message).toMatch(new RegExp(`${method} score above`));
      if (method !== 'isolation-forest') {
        expect(finding?.severity).toBe('info');
        // The most unusual features of a planted row are the ones that were moved.
        const top = listed.find((o) => planted.has(o.row));
        expect(['f0', 'f3', 'f5']).toContain(top?.unusual[0]?.feature);
      }
    },
  );

  it('flags a jump of the outlier rate against a trusted reference, and not a clean batch', async () => {
    const reference = blobTable(blobs(3000, 6, 2, 3));
    const clean = blobs(2000, 6, 2, 4);
    const dirty = blobs(2000, 6, 2, 4);
    plant(dirty, 0, 100, 5);
    const run = (data: Blobs) =>
      tester.run({
        inputs: {
          dataset: asDataset(blobTable(data), 'memory://batch'),
          reference: asDataset(reference, 'memory://ref'),
        },
        options: { exclude: ['label'], windowRows: 0 },
      });
    const jumpOf = (r: Awaited<ReturnType<typeof run>>) =>
      r.findings.filter((f) => f.ruleId.endsWith('/outlier-rate-jump'));
    const dirtyResult = await run(dirty);
    const jump = jumpOf(dirtyResult);
    expect(jump).toHaveLength(1);
    expect(jump[0]?.severity).toBe('high');
    expect(jump[0]?.message).toMatch(
      /^the dataset's outlier rate is 5\.00% while the reference has no outliers \(100 of 2000 rows, p = \d\.\de-\d+\)$/,
    );
    expect(jumpOf(await run(clean))).toEqual([]);
    expect(dirtyResult.metrics.referenceOutlierRate).toBe(0);
    expect(dirtyResult.metrics.method).toBe('mahalanobis');
  });

  it('flags a window of rows whose outlier rate jumped', async () => {
    const data = blobs(40_000, 6, 2, 6);
    plant(data, 25_000, 300, 7);
    const result = await tester.run({
      inputs: { dataset: asDataset(blobTable(data)) },
      options: { exclude: ['label'], knnReference: 1000 },
    });
    const jumps = result.findings.filter((f) => f.ruleId.endsWith('/outlier-rate-jump'));
    expect(jumps.map((j) => j.message.split(' have')[0])).toEqual(['rows 20000–29999']);
    expect(jumps[0]?.location?.rows?.every((r) => r >= 20_000 && r < 30_000)).toBe(true);
  });

  it('reports a reference without the features and falls back to the dataset', async () => {
    const data = blobTable(blobs(500, 3, 2, 8));
    const other = blobTable({ ...blobs(500, 2, 2, 9) });
    const result = await tester.run({
      inputs: { dataset: asDataset(data), reference: asDataset(other, 'memory://ref') },
      options: { exclude: ['label'] },
    });
    expect(result.findings[0]?.ruleId).toBe('poisoning.outliers/schema-mismatch');
    expect(result.findings[0]?.message).toContain('"f2"');
    expect(result.metrics.rows).toEqual({ dataset: 500 });
  });
});
