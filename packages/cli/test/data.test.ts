import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mlw-data-'));
const rows = Array.from(
  { length: 1000 },
  (_, i) => `${i},${(i % 7) * 1.5},${['a', 'b', 'c'][i % 3]}`,
);
writeFileSync(join(dir, 'data.csv'), `id,score,group\n${rows.join('\n')}\n`);

describe('mlwarden data profile', () => {
  it('prints a table and writes exact counts and moments as JSON', async () => {
    const table = await runCli(['data', 'profile', 'data.csv'], dir);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('data.csv: 1000 rows, 3 columns');
    const out = await runCli(
      ['data', 'profile', 'data.csv', '-q', '-o', 'json=profile.json', '--sketches'],
      dir,
    );
    expect(out.code).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, 'profile.json'), 'utf8'));
    const id = json.columns.find((c: { name: string }) => c.name === 'id');
    expect(id).toMatchObject({ count: 1000, nulls: 0, min: 0, max: 999, mean: 499.5 });
    expect(json.columns.find((c: { name: string }) => c.name === 'group').top).toHaveLength(3);
    expect(json.profile.rows).toBe(1000);
  });

  it('exits 2 for a truncated Arrow file and for an unsupported format', async () => {
    writeFileSync(join(dir, 'cut.arrow'), Buffer.from('ARROW1\0\0garbage'));
    const cut = await runCli(['data', 'profile', 'cut.arrow'], dir);
    expect(cut.code).toBe(2);
    expect(cut.stderr).toContain('cut.arrow');
    const fmt = await runCli(['data', 'profile', 'data.csv', '-f', 'sarif'], dir);
    expect(fmt.code).toBe(2);
  });
});

const quickstart = join(import.meta.dirname, '../../../examples/quickstart');

describe('mlwarden data drift and data validate', () => {
  it('reports the drifted columns with the metrics the issue names', async () => {
    const { code, stdout } = await runCli(
      [
        'data',
        'drift',
        '--reference',
        'data/reference.csv',
        '--current',
        'data/current.csv',
        '-f',
        'json',
        '--fail-on',
        'medium',
      ],
      quickstart,
    );
    expect(code).toBe(1);
    const { metrics } = JSON.parse(stdout).results[0];
    expect(metrics.columns.income).toMatchObject({ kind: 'numeric', drifted: true });
    expect(metrics.columns.income.ks.pValue).toBeLessThan(1e-6);
    expect(metrics.columns.plan).toMatchObject({ kind: 'categorical', drifted: true });
    expect(metrics.columns.age.drifted).toBe(false);
    expect(typeof metrics.driftShare).toBe('number');
  });

  it('gives the same drift report on one thread and on two, and rejects a bad --workers', async () => {
    const drift = (workers: string) =>
      runCli(
        [
          'data',
          'drift',
          '--reference',
          'data/reference.csv',
          '--current',
          'data/current.csv',
          '--workers',
          workers,
          '-f',
          'json',
        ],
        quickstart,
      );
    const one = JSON.parse((await drift('1')).stdout).results[0];
    const two = JSON.parse((await drift('2')).stdout).results[0];
    expect(one.metrics.columns.income.drifted).toBe(true);
    expect(two.metrics).toEqual(one.metrics);
    const bad = await drift('0');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--workers "0"/);
  });

  it('validates against a contract and finds the leaked e-mails, masked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlw-contract-'));
    writeFileSync(
      join(dir, 'contract.yaml'),
      'columns:\n  - name: plan\n    type: category\n    allowedValues: [basic, plus, pro]\n  - name: age\n    type: integer\n    min: 18\n    max: 80\n',
    );
    const { code, stdout } = await runCli(
      [
        'data',
        'validate',
        'data/current.csv',
        '--contract',
        join(dir, 'contract.yaml'),
        '--label',
        'churned',
        '-f',
        'json',
      ],
      quickstart,
    );
    const findings = JSON.parse(stdout).results.flatMap(
      (r: { findings: Array<{ ruleId: string }> }) => r.findings,
    );
    expect(findings.some((f: { ruleId: string }) => f.ruleId === 'data.pii/email')).toBe(true);
    expect(
      findings.some(
        (f: { ruleId: string; location?: { column?: string } }) =>
          f.ruleId === 'data.integrity/unexpected-values' && f.location?.column === 'plan',
      ),
    ).toBe(true);
    expect(stdout).not.toContain('@example.com');
    expect([1, 0]).toContain(code);
    const bad = await runCli(
      ['data', 'validate', 'data/current.csv', '--contract', 'missing.yaml'],
      quickstart,
    );
    expect(bad.code).toBe(2);
  });
});
