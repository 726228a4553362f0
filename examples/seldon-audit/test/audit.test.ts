import { resolve } from 'node:path';
import { main } from 'mlwarden';
import { describe, expect, it } from 'vitest';

const here = resolve(import.meta.dirname, '..');

async function audit(...args: string[]) {
  let stdout = '';
  const code = await main(['seldon', 'audit', ...args, '--format', 'json'], {
    stdout: { write: (c: string) => (stdout += c) },
    stderr: { write: () => true },
    cwd: here,
    env: {},
  });
  return { code, report: JSON.parse(stdout) };
}

describe('examples/seldon-audit', () => {
  it('fails the insecure v1 deployment with findings on the offending lines', async () => {
    const { code, report } = await audit('manifests/fraud-scoring-v1.yaml');
    expect(code).toBe(1);
    const findings = report.results[0].findings as Array<{
      ruleId: string;
      location: { line: number };
    }>;
    const rules = new Set(findings.map((f) => f.ruleId.split('/')[1]));
    for (const rule of [
      'model-storage-insecure',
      'plaintext-secret',
      'payload-logging',
      'single-replica',
      'image-unpinned',
      'runs-as-root',
      'missing-resource-limits',
    ]) {
      expect(rules).toContain(rule);
    }
    const secret = findings.find((f) => f.ruleId.endsWith('/plaintext-secret'));
    expect(secret?.location.line).toBe(26);
    expect(JSON.stringify(report)).not.toContain('wJalrXUtnFEMI');
  });

  it('passes the hardened v2 setup', async () => {
    const { code, report } = await audit('manifests/churn-v2.yaml');
    expect(report.results[0].findings).toEqual([]);
    expect(code).toBe(0);
  });
});
