import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const fixtures = resolve(import.meta.dirname, '../../great-expectations/src/__fixtures__');

describe('mlwarden gx import', () => {
  for (const generation of ['gx018', 'gx1']) {
    it(`reports as many failed expectations as GX counted (${generation})`, async () => {
      const file = `${generation}/validation-result-complete.json`;
      const gx = JSON.parse(readFileSync(join(fixtures, file), 'utf8'));
      const { code, stdout } = await runCli(['gx', 'import', file, '--format', 'json'], fixtures);
      expect(code).toBe(1);
      const findings = JSON.parse(stdout).results[0].findings as Array<{ ruleId: string }>;
      const perExpectation = [
        'gx.validation/failed-expectation',
        'gx.validation/expectation-error',
      ];
      const failed = findings.filter((f) => perExpectation.includes(f.ruleId));
      expect(failed).toHaveLength(gx.statistics.unsuccessful_expectations);
    });
  }

  it('exits 2 for a missing path', async () => {
    const { code, stderr } = await runCli(['gx', 'import', 'nope.json'], fixtures);
    expect(code).toBe(2);
    expect(stderr).toContain('nope.json');
  });
});

describe('mlwarden gx export-suite', () => {
  it('writes a GX 1.x and a 0.18 suite from a contract', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlw-gx-'));
    writeFileSync(
      join(dir, 'contract.yaml'),
      'name: customers\ncolumns:\n  - name: age\n    type: integer\n    min: 0\n    max: 120\n    nullable: false\n',
    );
    const one = await runCli(['gx', 'export-suite', 'contract.yaml'], dir);
    expect(one.code).toBe(0);
    const suite = JSON.parse(one.stdout);
    expect(suite.name).toBe('customers');
    expect(suite.expectations.map((e: { type: string }) => e.type)).toContain(
      'expect_column_values_to_be_between',
    );
    const old = await runCli(
      ['gx', 'export-suite', 'contract.yaml', '--gx', '0.18', '--out', 'suite.json'],
      dir,
    );
    expect(old.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'suite.json'), 'utf8')).expectation_suite_name).toBe(
      'customers',
    );
    const bad = await runCli(['gx', 'export-suite', 'contract.yaml', '--gx', '2'], dir);
    expect(bad.code).toBe(2);
  });
});
