import { CheckTester } from '@mlwarden/core/testing';
import { Float64, Table, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { asDataset, blobs, blobTable, flipLabels } from './_test-data.js';
import { labelNoiseCheck } from './label-noise-check.js';

const tester = new CheckTester(labelNoiseCheck);

interface Suspicious {
  row: number;
  label: string;
  suggested: string;
  score: number;
}

describe('poisoning.label-noise', () => {
  it('finds planted label flips and estimates the noise rate', async () => {
    const data = blobs(3000, 8, 3, 1);
    const flipped = flipLabels(data.labels, 3, 0.1, 2);
    const result = await tester.run({
      inputs: { dataset: asDataset(blobTable(data)) },
      options: { label: 'label' },
      seed: 3,
    });
    const noise = result.findings.find((f) => f.ruleId.endsWith('/label-noise'));
    expect(noise?.severity).toBe('high');
    expect(noise?.location?.column).toBe('label');
    const overall = result.metrics.overallNoiseRate as number;
    expect(overall).toBeGreaterThan(0.07);
    expect(overall).toBeLessThan(0.16);
    const rows = result.metrics.suspiciousRows as unknown as Suspicious[];
    const hits = rows.filter((r) => flipped.has(r.row)).length;
    expect(hits / rows.length).toBeGreaterThan(0.8);
    expect(hits / flipped.size).toBeGreaterThan(0.5);
    // Highest scores first, and the location lists the top rows.
    expect(rows[0]?.score).toBeGreaterThanOrEqual(rows[rows.length - 1]?.score as number);
    expect(noise?.location?.rows?.[0]).toBe(rows[0]?.row);
  });

  it('raises no label-noise finding on clean data, and is reproducible', async () => {
    const table = blobTable(blobs(2000, 8, 2, 4, 2.5));
    const run = () =>
      tester.run({ inputs: { dataset: asDataset(table) }, options: { label: 'label' }, seed: 9 });
    const [a, b] = await Promise.all([run(), run()]);
    expect(a.findings.filter((f) => f.ruleId.endsWith('/label-noise'))).toEqual([]);
    expect(a.metrics.overallNoiseRate as number).toBeLessThan(0.05);
    expect(a.metrics.suspiciousRows).toEqual(b.metrics.suspiciousRows);
  });

  it('reports identical and nearly identical rows with conflicting labels', async () => {
    const data = blobs(400, 4, 2, 5, 3);
    // Row 10 copied into row 11 with the other label; row 20 copied with a 1e-9 nudge into row 21.
    for (const values of data.columns) {
      values[11] = values[10] as number;
      values[21] = (values[20] as number) + 1e-9;
    }
    data.labels[11] = 1 - (data.labels[10] as number);
    data.labels[21] = 1 - (data.labels[20] as number);
    const result = await tester.run({
      inputs: { dataset: asDataset(blobTable(data)) },
      options: { label: 'label' },
    });
    const exact = result.findings.find((f) => f.ruleId.endsWith('/conflicting-duplicates'));
    expect(exact?.message).toContain(
      '1 group of identical rows carry different labels, e.g. rows 10, 11',
    );
    const near = result.findings.find((f) => f.ruleId.endsWith('/conflicting-near-duplicates'));
    expect(near?.location?.rows).toEqual([20, 21]);
  });

  it('reports a single class, imputes missing features, and skips without a label', async () => {
    const data = blobs(100, 3, 2, 6);
    data.labels.fill(1);
    (data.columns[0] as Float64Array)[5] = Number.NaN;
    const result = await tester.run({
      inputs: { dataset: asDataset(blobTable(data)) },
      options: { label: 'label' },
    });
    expect(result.findings.map((f) => f.ruleId.split('/')[1])).toEqual([
      'imputed-values',
      'single-class',
    ]);
    expect(result.findings[0]?.message).toContain('1 in "f0"');
    await tester.expect(
      { inputs: { dataset: asDataset(blobTable(data)) }, options: {} },
      { status: 'skip' },
    );
  });

  it('leaves out rows whose label is null or NaN', async () => {
    const data = blobs(300, 3, 2, 8, 3);
    const labels = Array.from(data.labels, (c, i) =>
      i % 30 === 0 ? null : i % 30 === 1 ? Number.NaN : c,
    );
    const table = blobTable(data, {}).assign(
      new Table({ label: vectorFromArray(labels, new Float64()) }),
    );
    const result = await tester.run({
      inputs: { dataset: asDataset(table) },
      options: { label: 'label' },
    });
    expect(result.metrics.rows).toEqual({ read: 300, used: 280, missingLabel: 20 });
    expect(Object.keys(result.metrics.noiseRate as object)).toEqual(['0', '1']);
  });

  it('names a missing label column', async () => {
    const result = await tester.run({
      inputs: { dataset: asDataset(blobTable(blobs(50, 2, 2, 7))) },
      options: { label: 'target' },
    });
    expect(result.status).toBe('error');
    expect(result.error?.message).toContain('the label column "target" does not exist');
  });
});
