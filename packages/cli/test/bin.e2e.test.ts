import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const bin = join(root, 'packages/cli/bin.js');
const example = join(root, 'examples/custom-plugin');
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

async function mlwarden(args: string[], cwd: string) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1' },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('the built mlwarden bin on examples/custom-plugin', () => {
  it('prints a console report and writes JSON, SARIF and JUnit that their consumers accept', async () => {
    const out = mkdtempSync(join(tmpdir(), 'mlw-e2e-'));
    const { code, stdout } = await mlwarden(
      [
        'run',
        '--output',
        `json=${out}/report.json`,
        '--output',
        `sarif=${out}/report.sarif`,
        '--output',
        `junit=${out}/report.xml`,
      ],
      example,
    );
    expect(code).toBe(1);
    expect(stdout).toContain('HIGH');
    expect(stdout).toContain('Verdict: FAIL');

    const report = readJson(join(out, 'report.json'));
    const reportSchema = readJson(join(root, 'packages/core/schema/report.schema.json'));
    const ajv2020 = new Ajv2020({ allErrors: true, strict: false });
    expect(ajv2020.validate(reportSchema, report), ajv2020.errorsText()).toBe(true);

    const sarif = readJson(join(out, 'report.sarif'));
    const sarifSchema = readJson(join(root, 'packages/core/test/testdata/sarif-2.1.0.json'));
    // The vendored official schema is written in JSON Schema draft 2020-12.
    const sarifAjv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
    expect(sarifAjv.validate(sarifSchema, sarif), sarifAjv.errorsText()).toBe(true);
    expect(sarif.runs[0].results).toHaveLength(2);

    const xml = new XMLParser({ ignoreAttributes: false }).parse(
      readFileSync(join(out, 'report.xml'), 'utf8'),
    );
    const suites = [xml.testsuites.testsuite].flat();
    const cases = suites.flatMap((s: { testcase: unknown }) => [s.testcase].flat());
    expect(cases).toHaveLength(report.summary.checks);
  });

  it('exits 0 on a clean run and 2 on a usage error', async () => {
    expect((await mlwarden(['run', '--input', 'run=data/clean.run.json'], example)).code).toBe(0);
    const usage = await mlwarden(['run', '--bogus'], example);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("Unknown option '--bogus'");
  });
});
