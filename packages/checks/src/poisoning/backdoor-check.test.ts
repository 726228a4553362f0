import { CheckTester } from '@mlwarden/core/testing';
import { makeVector, Table } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../stats/_random.js';
import { asDataset, blobs, blobTable, categories, gaussian } from './_test-data.js';
import { backdoorCheck } from './backdoor-check.js';

const tester = new CheckTester(backdoorCheck);

/** Blobs with two categorical columns of 20 values each, independent of the label. */
function withCategories(n: number, seed: number) {
  const data = blobs(n, 4, 2, seed, 1.2);
  const random = createRandom(seed + 100);
  const region = Array.from({ length: n }, () => `r${Math.floor(random() * 20)}`);
  const device = Array.from({ length: n }, () => `d${Math.floor(random() * 20)}`);
  return { data, region, device };
}

describe('poisoning.backdoor', () => {
  it('finds a planted pair trigger that neither value explains alone', async () => {
    const { data, region, device } = withCategories(5000, 1);
    const planted: number[] = [];
    // A dirty-label trigger: rows of class 0 get the trigger and label 1.
    for (let i = 0; planted.length < 100; i++) {
      if (data.labels[i] !== 0) continue;
      region[i] = 'r7';
      device[i] = 'd13';
      data.labels[i] = 1;
      planted.push(i);
    }
    const table = blobTable(data, { region: categories(region), device: categories(device) });
    const result = await tester.run({
      inputs: { dataset: asDataset(table) },
      options: { label: 'label' },
    });
    const triggers = result.findings.filter((f) => f.ruleId.endsWith('/trigger'));
    expect(triggers).toHaveLength(1);
    expect(triggers[0]?.message).toMatch(
      /^rows where region = r7 and device = d13 \(1\d\d rows, .*\) are labelled "1" in 9\d\.\d% of cases/,
    );
    // The location lists the first 100 rows carrying the pair: planted and natural ones.
    const carrying = region.flatMap((r, i) => (r === 'r7' && device[i] === 'd13' ? [i] : []));
    expect(carrying.length).toBeGreaterThan(planted.length);
    expect(triggers[0]?.location?.rows).toEqual(carrying.slice(0, 100));
  });

  it('finds a rare exact numeric value tied to one label, and nothing in clean data', async () => {
    const data = blobs(3000, 5, 3, 2);
    for (let i = 0, planted = 0; planted < 30; i += 7) {
      if (data.labels[i] === 2) continue;
      (data.columns[2] as Float64Array)[i] = 4.25;
      data.labels[i] = 2;
      planted++;
    }
    const result = await tester.run({
      inputs: { dataset: asDataset(blobTable(data)) },
      options: { label: 'label' },
    });
    expect(result.findings.map((f) => f.message.split(' (')[0])).toEqual(['rows where f2 = 4.25']);
    expect(result.findings[0]?.location?.column).toBe('f2');

    const { data: clean, region, device } = withCategories(5000, 3);
    const cleanResult = await tester.run({
      inputs: {
        dataset: asDataset(
          blobTable(clean, { region: categories(region), device: categories(device) }),
        ),
      },
      options: { label: 'label' },
    });
    expect(cleanResult.findings).toEqual([]);
    expect(cleanResult.metrics.pairsSearched).toBe(true);
    // More candidates than the 40 single values: pairs were tested too.
    expect(cleanResult.metrics.candidatesTested as number).toBeGreaterThan(200);
  });

  it('flags a class whose embeddings hold a separated cluster (spectral signature)', async () => {
    const n = 2000;
    const e = 16;
    const random = createRandom(4);
    const normal = gaussian(random);
    const labels = new Int32Array(n);
    const columns = Array.from({ length: e }, () => new Float64Array(n));
    const poisoned = new Set<number>();
    for (let i = 0; i < n; i++) {
      const c = i % 2;
      labels[i] = c;
      const poison = c === 1 && i % 20 === 1;
      if (poison) poisoned.add(i);
      for (let j = 0; j < e; j++) {
        (columns[j] as Float64Array)[i] =
          normal() + (j === c ? 3 : 0) + (poison && j >= 8 ? 2.5 : 0);
      }
    }
    const embedding = Object.fromEntries(columns.map((v, j) => [`e${j}`, makeVector(v)]));
    const table = blobTable({ columns: [], labels, n }, embedding);
    const result = await tester.run({
      inputs: { dataset: asDataset(table) },
      options: { label: 'label', embeddings: columns.map((_, j) => `e${j}`), columns: [] },
    });
    const spectral = result.findings.filter((f) => f.ruleId.endsWith('/spectral-signature'));
    expect(spectral).toHaveLength(1);
    expect(spectral[0]?.message).toMatch(
      /^10\d of the 1000 rows labelled "1" \(10\.\d%\) form a separate cluster/,
    );
    const rows = spectral[0]?.location?.rows ?? [];
    // The location lists the 100 most extreme rows of the cluster: all planted.
    expect(rows.filter((r) => poisoned.has(r)).length).toBeGreaterThanOrEqual(99);
    const classes = result.metrics.spectral as Record<string, { flagged: boolean }>;
    expect(classes['0']?.flagged).toBe(false);
  });

  it('finds the planted embedding cluster by activation clustering, the same over any batching', async () => {
    const n = 1600;
    const e = 12;
    const normal = gaussian(createRandom(8));
    const labels = new Int32Array(n);
    const columns = Array.from({ length: e }, () => new Float64Array(n));
    const poisoned: number[] = [];
    for (let i = 0; i < n; i++) {
      const c = i % 2;
      labels[i] = c;
      const poison = c === 0 && i % 16 === 0;
      if (poison) poisoned.push(i);
      for (let j = 0; j < e; j++)
        (columns[j] as Float64Array)[i] = normal() + (j === c ? 4 : 0) + (poison && j >= 6 ? 3 : 0);
    }
    const embedding = Object.fromEntries(columns.map((v, j) => [`e${j}`, makeVector(v)]));
    const table = blobTable({ columns: [], labels, n }, embedding);
    const options = { label: 'label', embeddings: columns.map((_, j) => `e${j}`), columns: [] };
    const result = await tester.run({ inputs: { dataset: asDataset(table) }, options });
    const clusters = result.findings.filter((f) => f.ruleId.endsWith('/activation-cluster'));
    expect(clusters).toHaveLength(1);
    expect(clusters[0]?.message).toMatch(
      /^100 of the 800 rows labelled "0" \(12\.5%\) fall in a small cluster when k-means splits 10 principal components of 12 embedding columns into 2 \(cluster sizes 700 \/ 100, silhouette 0\.\d+\)$/,
    );
    expect([...(clusters[0]?.location?.rows ?? [])].sort((a, b) => a - b)).toEqual(poisoned);
    expect(clusters[0]?.evidence).toMatchObject({
      clusterSizes: [700, 100],
      dims: 10,
      method: 'relative-size',
    });
    const metrics = result.metrics.activationClustering as Record<
      string,
      { flagged: boolean; clusterSizes: number[] }
    >;
    expect(metrics['0']?.clusterSizes).toEqual([700, 100]);
    expect(metrics['1']?.flagged).toBe(false);
    const rows = result.metrics.suspiciousRows as { row: number; label: string; score: number }[];
    expect(rows).toHaveLength(100);
    expect(rows.every((r) => r.label === '0' && r.score > 0)).toBe(true);
    // The same rows as five record batches: the same result.
    const batched = new Table(
      [0, 300, 700, 1000, 1300].flatMap(
        (from, k, all) => table.slice(from, all[k + 1] ?? n).batches,
      ),
    );
    expect(batched.batches.length).toBe(5);
    const again = await tester.run({ inputs: { dataset: asDataset(batched) }, options });
    expect(again.findings).toEqual(result.findings);
    expect(again.metrics).toEqual(result.metrics);
    // Clustering switched off: only spectral signatures run.
    const off = await tester.run({
      inputs: { dataset: asDataset(table) },
      options: { ...options, clustering: { enabled: false } },
    });
    expect(off.findings.some((f) => f.ruleId.endsWith('/activation-cluster'))).toBe(false);
    expect(off.metrics.activationClustering).toBeUndefined();
  });

  it('reports no representation finding on clean embeddings, even with NaN values', async () => {
    const n = 1200;
    const e = 8;
    const normal = gaussian(createRandom(9));
    const labels = Int32Array.from({ length: n }, (_, i) => i % 3);
    const columns = Array.from({ length: e }, (_, j) =>
      Float64Array.from({ length: n }, (_, i) => normal() + (j === labels[i] ? 3 : 0)),
    );
    (columns[2] as Float64Array)[5] = Number.NaN;
    const embedding = Object.fromEntries(columns.map((v, j) => [`e${j}`, makeVector(v)]));
    const result = await tester.run({
      inputs: { dataset: asDataset(blobTable({ columns: [], labels, n }, embedding)) },
      options: { label: 'label', embeddings: columns.map((_, j) => `e${j}`), columns: [] },
    });
    expect(result.status).toBe('pass');
    expect(result.findings).toEqual([]);
    const metrics = result.metrics.activationClustering as Record<
      string,
      { flagged: boolean; rows: number }
    >;
    expect(Object.values(metrics).map((m) => [m.rows, m.flagged])).toEqual([
      [400, false],
      [400, false],
      [400, false],
    ]);
    expect(result.metrics.representation).toMatchObject({
      source: 'columns',
      width: 8,
      rows: 1200,
    });
  });

  it('keeps natural rare patterns that agree with the other features out of the findings', async () => {
    // 3% of class-2 rows carry tag "t9": rare, pure and significant, but those rows look like
    // class 2 in every other feature, so their neighbours agree with the label.
    const data = blobs(4000, 5, 3, 6, 2.5);
    const tag = Array.from(data.labels, (c, i) => (c === 2 && i % 11 === 0 ? 't9' : `t${i % 5}`));
    const table = blobTable(data, { tag: categories(tag) });
    const result = await tester.run({
      inputs: { dataset: asDataset(table) },
      options: { label: 'label' },
    });
    expect(result.findings).toEqual([]);
    expect(result.metrics.consistentPatterns).toBe(1);
    const all = await tester.run({
      inputs: { dataset: asDataset(table) },
      options: { label: 'label', maxAgreement: 1 },
    });
    expect(all.findings.map((f) => f.message.split(' (')[0])).toEqual(['rows where tag = t9']);
  });

  it('skips without a label', async () => {
    await tester.expect(
      { inputs: { dataset: asDataset(blobTable(blobs(50, 2, 2, 5))) } },
      { status: 'skip' },
    );
  });
});
