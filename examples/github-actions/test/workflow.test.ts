import { execFileSync } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from 'mlwarden';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const here = resolve(import.meta.dirname, '..');
const quickstart = resolve(here, '../quickstart');

interface WorkflowStep {
  uses?: string;
  run?: string;
  with?: Record<string, string>;
}

describe('examples/github-actions', () => {
  const workflow = parse(readFileSync(join(here, 'mlwarden.yml'), 'utf8'));
  const steps: WorkflowStep[] = workflow.jobs.mlwarden.steps;

  it('runs mlwarden with a SARIF output and uploads that file to code scanning', () => {
    expect(workflow.permissions['security-events']).toBe('write');
    const run = steps.find((s) => s.run?.includes('mlwarden run'));
    const sarifPath = /-o sarif=(\S+)/.exec(run?.run ?? '')?.[1];
    const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'));
    expect(sarifPath).toBeDefined();
    expect(upload?.with?.sarif_file).toBe(sarifPath);
  });

  it('produces SARIF that GitHub accepts: rule ids, levels, file locations, fingerprints', async () => {
    const out = mkdtempSync(join(tmpdir(), 'mlw-gha-'));
    const sarifFile = join(out, 'mlwarden.sarif');
    const code = await main(['run', '-q', '--fail-on', 'high', '-o', `sarif=${sarifFile}`], {
      stdout: { write: () => true },
      stderr: { write: () => true },
      cwd: quickstart,
      env: {},
    });
    expect(code).toBe(1);
    const sarif = JSON.parse(readFileSync(sarifFile, 'utf8'));
    const results = sarif.runs[0].results as Array<{
      ruleId: string;
      level: string;
      locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }>;
      partialFingerprints: Record<string, string>;
    }>;
    const ruleIds = new Set(sarif.runs[0].tool.driver.rules.map((r: { id: string }) => r.id));
    expect(results.length).toBeGreaterThan(3);
    for (const r of results) {
      expect(ruleIds.has(r.ruleId)).toBe(true);
      expect(['error', 'warning', 'note']).toContain(r.level);
      expect(r.locations[0]?.physicalLocation.artifactLocation.uri).toMatch(/^[^/]/);
      expect(Object.values(r.partialFingerprints)[0]).toMatch(/^[0-9a-f]{32}$/);
    }
    const multitool = createRequire(import.meta.url)('@microsoft/sarif-multitool-linux') as string;
    try {
      accessSync(multitool, constants.X_OK);
    } catch {
      chmodSync(multitool, 0o755);
    }
    const validation = join(out, 'validation.sarif');
    execFileSync(
      multitool,
      [
        'validate',
        sarifFile,
        '-o',
        validation,
        '--rule-kind',
        'Sarif;Gh',
        '--log',
        'ForceOverwrite',
      ],
      {
        stdio: 'pipe',
        timeout: 60_000,
      },
    );
    const problems = JSON.parse(readFileSync(validation, 'utf8')).runs[0].results ?? [];
    expect(problems.filter((p: { level?: string }) => p.level === 'error')).toEqual([]);
  });
});
