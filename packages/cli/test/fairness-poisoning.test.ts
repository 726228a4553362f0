import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mlw-fair-'));
// Group b is selected far less often than group a for the same true outcomes.
const rows = Array.from({ length: 400 }, (_, i) => {
  const group = i % 2 === 0 ? 'a' : 'b';
  const label = i % 4 < 2 ? 1 : 0;
  const prediction = group === 'a' ? label : i % 8 === 1 ? 1 : 0;
  return `${group},${i % 3 === 0 ? 'x' : 'y'},${label},${prediction}`;
});
writeFileSync(join(dir, 'scored.csv'), `group,region,label,prediction\n${rows.join('\n')}\n`);

const fairness = (sensitive: string) =>
  runCli(
    [
      'fairness',
      'scored.csv',
      '--label',
      'label',
      '--prediction',
      'prediction',
      '--sensitive',
      sensitive,
      '-f',
      'json',
    ],
    dir,
  );

describe('mlwarden fairness', () => {
  it('reports the disparity with Fairlearn-named metrics', async () => {
    const { code, stdout } = await fairness('group,region');
    expect(code).toBe(1);
    const result = JSON.parse(stdout).results[0];
    expect(result.checkId).toBe('fairness.group');
    expect(JSON.stringify(result.metrics)).toContain('demographicParityDifference');
    expect(result.findings.length).toBeGreaterThan(0);
  });

  it('ends as an error naming the column when a sensitive column is missing (exit 3)', async () => {
    const { code, stdout } = await fairness('nope');
    expect(code).toBe(3);
    const result = JSON.parse(stdout).results[0];
    expect(result.status).toBe('error');
    expect(result.error.message).toContain('nope');
  });
});

describe('mlwarden data poisoning', () => {
  it('runs the three detectors on the quick start reference data', async () => {
    const quickstart = join(import.meta.dirname, '../../../examples/quickstart');
    const { stdout } = await runCli(
      [
        'data',
        'poisoning',
        'data/reference.csv',
        '--label',
        'churned',
        '--exclude',
        'notes,plan',
        '-f',
        'json',
      ],
      quickstart,
    );
    const ids = JSON.parse(stdout).results.map((r: { checkId: string; status: string }) => [
      r.checkId,
      r.status,
    ]);
    expect(ids.map((x: string[]) => x[0])).toEqual([
      'poisoning.label-noise',
      'poisoning.outliers',
      'poisoning.backdoor',
    ]);
    expect(ids.every((x: string[]) => x[1] !== 'error')).toBe(true);
  });
});
