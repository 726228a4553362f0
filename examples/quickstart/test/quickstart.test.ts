import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from 'mlwarden';
import { describe, expect, it } from 'vitest';

const here = resolve(import.meta.dirname, '..');

interface Finding {
  ruleId: string;
  severity: string;
  message: string;
  location?: { uri: string; column?: string };
}

describe('examples/quickstart (the README main job)', () => {
  it('finds the drift, the new plan, the leaked emails and the booby-trapped pickle', async () => {
    const out = mkdtempSync(join(tmpdir(), 'mlw-quickstart-'));
    let stdout = '';
    const code = await main(
      ['run', '-f', 'json', '-o', `html=${out}/report.html`, '-o', `sarif=${out}/report.sarif`],
      {
        stdout: { write: (c: string) => (stdout += c) },
        stderr: { write: () => true },
        cwd: here,
        env: {},
      },
    );
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    const findings: Finding[] = report.results.flatMap((r: { findings: Finding[] }) => r.findings);
    const has = (ruleId: string, where: string) =>
      findings.some(
        (f) =>
          f.ruleId === ruleId && (f.location?.column === where || f.location?.uri.endsWith(where)),
      );
    expect(has('data.drift/column-drift', 'income')).toBe(true);
    expect(has('data.drift/column-drift', 'plan')).toBe(true);
    expect(has('data.drift/column-drift', 'age')).toBe(false);
    expect(has('data.integrity/new-categories', 'plan')).toBe(true);
    const pii = findings.find((f) => f.ruleId === 'data.pii/email');
    expect(pii?.message).toContain('12 values');
    expect(stdout).not.toContain('customer0@example.com');
    const pickle = findings.find((f) => f.location?.uri.endsWith('feature_encoder.pkl'));
    expect(pickle).toMatchObject({
      ruleId: 'artifact.scan/dangerous-import',
      severity: 'critical',
    });
    expect(findings.some((f) => f.location?.uri.endsWith('model.joblib'))).toBe(false);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<!doctype html>');
    expect(JSON.parse(readFileSync(join(out, 'report.sarif'), 'utf8')).version).toBe('2.1.0');
  });
});
