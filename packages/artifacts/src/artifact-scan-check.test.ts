import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runChecks } from '@mlwarden/core';
import { CheckTester } from '@mlwarden/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactScanCheck } from './artifact-scan-check.js';
import { artifactsPlugin } from './artifacts-plugin.js';
import { localArtifactSet } from './local-artifact-set.js';
import { CORPUS_FILES } from './scan/_test-corpus.js';
import type { FileVerdict } from './scan/scan-result.js';

let dir: string;
let outside: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlwarden-artifacts-'));
  outside = mkdtempSync(join(tmpdir(), 'mlwarden-outside-'));
  mkdirSync(join(dir, 'model'));
  copyFileSync(join(CORPUS_FILES, 'benign/sklearn-rf-p4.pkl'), join(dir, 'model', 'model.pkl'));
  copyFileSync(
    join(CORPUS_FILES, 'malicious/b03-name-mismatch.zip'),
    join(dir, 'model', 'pytorch_model.bin'),
  );
  copyFileSync(join(CORPUS_FILES, 'benign/torch-state-dict.pt'), join(dir, 'weights.pt'));
  writeFileSync(join(outside, 'secret.pkl'), 'not for the scanner');
  symlinkSync(join(outside, 'secret.pkl'), join(dir, 'escape.pkl'));
  symlinkSync(join(dir, 'model', 'model.pkl'), join(dir, 'alias.pkl'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

describe('artifact.scan', () => {
  it('reports dangerous imports with file, member, offset, module and name', async () => {
    const result = await new CheckTester(artifactScanCheck).run({
      inputs: { artifacts: localArtifactSet(dir) },
      failOn: 'high',
    });
    expect(result.status).toBe('fail');
    const dangerous = result.findings.find((f) => f.ruleId === 'artifact.scan/dangerous-import');
    expect(dangerous).toMatchObject({
      severity: 'critical',
      location: { uri: 'model/pytorch_model.bin', member: 'archive/data.pkl', offset: 2 },
      evidence: { module: 'os', name: 'system', category: 'execution' },
      taxonomy: {
        atlas: ['AML.T0010.003', 'AML.T0011.000', 'AML.T0018.002'],
        owasp: ['ML06', 'ML10'],
      },
    });
    expect(dangerous?.remediation).toMatch(/Do not load/);
    expect(result.findings.some((f) => f.ruleId === 'artifact.scan/archive-anomaly')).toBe(true);
  });

  it('lists every file with formats, verdict and highest severity, and never follows links out', async () => {
    const result = await new CheckTester(artifactScanCheck).run({
      inputs: { artifacts: localArtifactSet(dir) },
    });
    const files = result.metrics.files as unknown as FileVerdict[];
    const byPath = (p: string, member?: string) =>
      files.find((f) => f.path === p && f.member === member);
    expect(byPath('model/model.pkl')).toMatchObject({
      formats: ['pickle'],
      verdict: 'clean',
      maxSeverity: null,
    });
    expect(byPath('alias.pkl')).toMatchObject({ verdict: 'clean' });
    expect(byPath('weights.pt')).toMatchObject({
      verdict: 'clean',
      formats: expect.arrayContaining(['zip', 'pytorch-zip']),
    });
    expect(byPath('model/pytorch_model.bin')).toMatchObject({
      verdict: 'findings',
      maxSeverity: 'critical',
    });
    expect(byPath('model/pytorch_model.bin', 'archive/data.pkl')).toMatchObject({
      formats: ['pickle'],
      verdict: 'findings',
    });
    expect(byPath('escape.pkl')).toMatchObject({ verdict: 'incomplete' });
    expect(
      result.findings.find((f) => f.ruleId === 'artifact.scan/path-escape')?.location?.uri,
    ).toBe('escape.pkl');
    expect(result.incomplete?.join()).toMatch(/escape\.pkl/);
    expect(result.metrics.filesScanned).toBe(5);
  });

  it('is incomplete, never pass, when a limit stops a file', async () => {
    const small = mkdtempSync(join(tmpdir(), 'mlwarden-limit-'));
    try {
      copyFileSync(join(CORPUS_FILES, 'benign/sklearn-rf-p4.pkl'), join(small, 'model.pkl'));
      const result = await new CheckTester(artifactScanCheck).run({
        inputs: { artifacts: localArtifactSet(small) },
        options: { limits: { maxOpcodes: 1000 } },
        failOn: 'high',
      });
      expect(result.status).toBe('incomplete');
      expect(result.findings.map((f) => f.ruleId)).toEqual(['artifact.scan/scan-limit']);
      expect(result.incomplete?.join()).toMatch(/more than 1000 opcodes/);
    } finally {
      rmSync(small, { recursive: true, force: true });
    }
  });

  it('accepts extra allowed paths and rejects unknown options', async () => {
    const tester = new CheckTester(artifactScanCheck);
    await expect(
      tester.run({ inputs: { artifacts: localArtifactSet(dir) }, options: { nope: 1 } }),
    ).rejects.toThrow(/nope/);
    await expect(
      tester.run({
        inputs: { artifacts: localArtifactSet(dir) },
        options: { allow: ['not a path'] },
      }),
    ).rejects.toThrow(/allow/);
  });

  it('is skipped without artifacts and ships as a plugin', async () => {
    const report = await runChecks({ checks: artifactsPlugin.checks });
    expect(report.results[0]?.status).toBe('skip');
    expect(artifactsPlugin.name).toBe('@mlwarden/artifacts');
  });

  it('gives findings stable fingerprints across runs', async () => {
    const a = await new CheckTester(artifactScanCheck).run({
      inputs: { artifacts: localArtifactSet(dir) },
    });
    const b = await new CheckTester(artifactScanCheck).run({
      inputs: { artifacts: localArtifactSet(dir) },
    });
    expect(a.findings.map((f) => f.fingerprint)).toEqual(b.findings.map((f) => f.fingerprint));
    expect(new Set(a.findings.map((f) => f.fingerprint)).size).toBe(a.findings.length);
  });
});
