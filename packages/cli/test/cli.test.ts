import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const example = resolve(import.meta.dirname, '../../../examples/custom-plugin');
const statuses = resolve(import.meta.dirname, 'fixtures/statuses');
const badKey = resolve(import.meta.dirname, 'fixtures/bad-key');

describe('mlwarden run: exit codes', () => {
  it('exits 1 when a finding is at or above --fail-on, 0 below it', async () => {
    const failing = await runCli(['run'], example);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toContain('example.run-provenance/insecure-data');
    expect(failing.stdout).toContain('Verdict: FAIL');
    expect((await runCli(['run', '--fail-on', 'critical'], example)).code).toBe(0);
    expect((await runCli(['run', '--fail-on', 'never'], example)).code).toBe(0);
    expect(
      (await runCli(['run', '--fail-on', 'medium', '--input', 'run=data/clean.run.json'], example))
        .code,
    ).toBe(0);
  });

  it('exits 3 when a check errors, hangs or hits a limit, and reports each', async () => {
    const { code, stdout } = await runCli(['run', '--format', 'json'], statuses);
    expect(code).toBe(3);
    const report = JSON.parse(stdout);
    const status = Object.fromEntries(
      report.results.map((r: { checkId: string; status: string }) => [r.checkId, r]),
    );
    expect(status['fixture.throws']).toMatchObject({
      status: 'error',
      error: { message: 'the check crashed' },
    });
    expect(status['fixture.throws'].findings).toHaveLength(1);
    expect(status['fixture.hangs']).toMatchObject({
      status: 'error',
      error: { code: 'MLW_CHECK_TIMEOUT' },
    });
    expect(status['fixture.needs-dataset']).toMatchObject({
      status: 'skip',
      reason: expect.stringContaining('dataset'),
    });
    expect(status['fixture.limit']).toMatchObject({
      status: 'incomplete',
      incomplete: ['stopped at the 1 MiB limit'],
    });
    expect(status['fixture.ok']).toMatchObject({ status: 'pass' });
  });

  it('exits 3 for an incomplete check even when nothing else is wrong', async () => {
    const { code, stdout } = await runCli(
      ['run', '--format', 'json', '--config', 'incomplete-only.config.mjs'],
      resolve(import.meta.dirname, 'fixtures'),
    );
    expect(code).toBe(3);
    expect(JSON.parse(stdout).summary.verdict).toBe('incomplete');
  });

  it('exits 2 naming a bad configuration key and value', async () => {
    const { code, stderr, stdout } = await runCli(['run'], badKey);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('unknown key "checkz"');
    expect(stderr).toMatch(/policy\.failOn: .*"critical"/);
  });

  it('exits 2 for a missing config, unknown flags, formats and commands, with a hint', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'mlw-empty-'));
    const none = await runCli(['run'], empty);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no configuration file');
    expect(none.stderr).toContain('hint:');
    const missing = await runCli(['run', '--config', 'nope.yaml'], empty);
    expect(missing.stderr).toContain('configuration file nope.yaml not found');
    const flag = await runCli(['run', '--fail-onn', 'high'], example);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('did you mean --fail-on?');
    const format = await runCli(['run', '--format', 'sarf'], example);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('did you mean sarif?');
    const cmd = await runCli(['rnu'], example);
    expect(cmd.code).toBe(2);
    expect(cmd.stderr).toContain('did you mean `mlwarden run`?');
    const sev = await runCli(['run', '--fail-on', 'severe'], example);
    expect(sev.code).toBe(2);
    expect(sev.stderr).toContain('--fail-on "severe" is not a severity');
    const input = await runCli(['run', '--input', 'run=data/does-not-exist.csv'], example);
    expect(input.code).toBe(2);
    expect(input.stderr).toContain('no installed adapter can read');
  });
});

describe('mlwarden run: outputs and baselines', () => {
  it('writes every --output file and prints nothing with --quiet', async () => {
    const out = mkdtempSync(join(tmpdir(), 'mlw-out-'));
    const { code, stdout } = await runCli(
      [
        'run',
        '-q',
        '-o',
        `json=${out}/r.json`,
        '-o',
        `markdown=${out}/r.md`,
        '-o',
        `junit=${out}/r.xml`,
      ],
      example,
    );
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(JSON.parse(readFileSync(join(out, 'r.json'), 'utf8')).schema).toBe('mlwarden.report/v1');
    expect(readFileSync(join(out, 'r.md'), 'utf8')).toContain('insecure-data');
    expect(readFileSync(join(out, 'r.xml'), 'utf8')).toContain('<testcase');
  });

  it('accepts the findings of a baseline and fails again on new ones', async () => {
    const out = mkdtempSync(join(tmpdir(), 'mlw-base-'));
    const baseline = join(out, 'baseline.json');
    expect((await runCli(['run', '-q', '--write-baseline', baseline], example)).code).toBe(1);
    const accepted = await runCli(['run', '--format', 'json', '--baseline', baseline], example);
    expect(accepted.code).toBe(0);
    expect(JSON.parse(accepted.stdout).summary.suppressed).toBe(2);
    const bad = await runCli(['run', '--baseline', join(out, 'missing.json')], example);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('cannot be read');
  });

  it('gives byte-identical JSON for the same inputs, apart from time fields', async () => {
    const strip = (s: string) => s.replace(/"(startedAt|durationMs)": ("[^"]*"|\d+)/g, '"$1": 0');
    const a = await runCli(['run', '--format', 'json'], example);
    const b = await runCli(['run', '--format', 'json'], example);
    expect(strip(a.stdout)).toBe(strip(b.stdout));
  });
});

describe('mlwarden checks and explain', () => {
  it('lists every check as JSON with id, title, category, severity and taxonomy', async () => {
    const { code, stdout } = await runCli(['checks', '--json'], example);
    expect(code).toBe(0);
    const ids = JSON.parse(stdout).map((c: { id: string }) => c.id);
    expect(ids).toContain('example.run-provenance');
    expect(
      JSON.parse(stdout).find((c: { id: string }) => c.id === 'example.run-provenance'),
    ).toMatchObject({
      title: 'Training run provenance',
      category: 'supply-chain',
      defaultSeverity: 'medium',
      taxonomy: { atlas: ['AML.T0010.002'], owasp: ['ML02'] },
      requires: ['run'],
    });
  });

  it('explains a check with its options, defaults and threats', async () => {
    const { code, stdout } = await runCli(['explain', 'example.run-provenance'], example);
    expect(code).toBe(0);
    expect(stdout).toContain('requiredTags');
    expect(stdout).toContain('["owner","git_commit"]');
    expect(stdout).toContain('ML02 Data Poisoning Attack');
    const unknown = await runCli(['explain', 'example.run-provenanse'], example);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('did you mean example.run-provenance?');
  });

  it('prints help and version', async () => {
    expect((await runCli(['--help'], example)).stdout).toContain('Usage: mlwarden <command>');
    expect((await runCli(['run', '--help'], example)).stdout).toContain('--write-baseline');
    expect((await runCli(['--version'], example)).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
