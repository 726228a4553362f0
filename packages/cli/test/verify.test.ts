import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyCommand } from '../src/commands/verify.js';
import { runCli } from './run-cli.js';

const root = resolve(import.meta.dirname, '../../..');
const corpus = resolve(root, 'packages/artifacts/corpus/files/benign');
const signScript = resolve(root, 'packages/artifacts/test/sign-model.py');
let work: string;

interface Finding {
  ruleId: string;
  severity: string;
  location?: { uri: string };
  evidence: Record<string, unknown>;
}

/** A small benign model directory: a scikit-learn pickle, a NumPy array and a config. */
function modelDir(name: string): string {
  const dir = join(work, name);
  mkdirSync(join(dir, 'weights'), { recursive: true });
  copyFileSync(join(corpus, 'sklearn-columntransformer-p4.pkl'), join(dir, 'model.pkl'));
  copyFileSync(join(corpus, 'numpy-f8.npy'), join(dir, 'weights', 'w.npy'));
  writeFileSync(join(dir, 'config.json'), '{"layers": 3}\n');
  return dir;
}

/** The artifact.integrity result of a JSON report. */
function integrity(stdout: string): { status: string; findings: Finding[]; metrics: never } {
  const report = JSON.parse(stdout);
  const result = report.results.find(
    (r: { checkId: string }) => r.checkId === 'artifact.integrity',
  );
  expect(result).toBeDefined();
  return result;
}

async function scanWithManifest(name: string): Promise<{ dir: string; manifest: string }> {
  const dir = modelDir(name);
  const manifest = join(work, `${name}.manifest.json`);
  const scan = await runCli(['scan', dir, '--manifest', manifest, '-f', 'json'], work);
  expect(scan.code).toBe(0);
  expect(JSON.parse(scan.stdout).results[0].checkId).toBe('artifact.scan');
  return { dir, manifest };
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mlw-verify-'));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('mlwarden scan --manifest and mlwarden verify', () => {
  it('writes a manifest beside the scan report and verifies the untouched directory', async () => {
    const { dir, manifest } = await scanWithManifest('clean');
    const written = JSON.parse(readFileSync(manifest, 'utf8'));
    expect(written.schema).toBe('mlwarden.model-manifest/v1');
    expect(written.files.map((f: { path: string }) => f.path)).toEqual([
      'config.json',
      'model.pkl',
      'weights/w.npy',
    ]);
    expect(written.digest).toMatch(/^[0-9a-f]{64}$/);

    const sarif = join(work, 'clean.sarif');
    const { code, stdout } = await runCli(
      ['verify', dir, '--manifest', manifest, '-f', 'json', '-o', `sarif=${sarif}`],
      work,
    );
    expect(code).toBe(0);
    const result = integrity(stdout);
    expect(result.status).toBe('pass');
    expect(result.findings).toEqual([]);
    expect(result.metrics).toMatchObject({
      manifest: { ok: true, expectedDigest: written.digest, actualDigest: written.digest },
    });
    expect(JSON.parse(readFileSync(sarif, 'utf8')).version).toBe('2.1.0');
  });

  it('leaves a manifest written inside the directory out of the manifest', async () => {
    const dir = modelDir('inside');
    const manifest = join(dir, 'manifest.json');
    expect((await runCli(['scan', dir, '--manifest', manifest, '-q'], work)).code).toBe(0);
    expect(JSON.parse(readFileSync(manifest, 'utf8')).ignore).toContain('manifest.json');
    expect((await runCli(['verify', dir, '--manifest', manifest, '-q'], work)).code).toBe(0);
  });

  it('reports a tampered file with its path and exits 1', async () => {
    const { dir, manifest } = await scanWithManifest('tampered');
    writeFileSync(join(dir, 'config.json'), '{"layers": 4}\n');
    const { code, stdout } = await runCli(
      ['verify', dir, '--manifest', manifest, '-f', 'json'],
      work,
    );
    expect(code).toBe(1);
    const { findings } = integrity(stdout);
    expect(findings.map((f) => [f.ruleId, f.severity, f.location?.uri])).toEqual([
      ['artifact.integrity/changed-file', 'high', 'config.json'],
    ]);
  });

  it('reports a missing and an extra file', async () => {
    const { dir, manifest } = await scanWithManifest('moved');
    rmSync(join(dir, 'weights', 'w.npy'));
    writeFileSync(join(dir, 'weights', 'payload.pkl'), 'x');
    const { code, stdout } = await runCli(
      ['verify', dir, '--manifest', manifest, '-f', 'json'],
      work,
    );
    expect(code).toBe(1);
    const found = integrity(stdout).findings.map((f) => [f.ruleId, f.location?.uri]);
    expect(found).toContainEqual(['artifact.integrity/missing-file', 'weights/w.npy']);
    expect(found).toContainEqual(['artifact.integrity/extra-file', 'weights/payload.pkl']);
    expect(found).toHaveLength(2);
  });

  it('honours --fail-on: an extra file passes with --fail-on critical', async () => {
    const { dir, manifest } = await scanWithManifest('failon');
    writeFileSync(join(dir, 'notes.txt'), 'added later');
    const args = ['verify', dir, '--manifest', manifest, '-q'];
    expect((await runCli(args, work)).code).toBe(1);
    expect((await runCli([...args, '--fail-on', 'critical'], work)).code).toBe(0);
  });

  it('refuses a bad manifest file with a typed error and exit 2', async () => {
    const dir = modelDir('bad-manifest');
    const notJson = join(work, 'not-json.json');
    writeFileSync(notJson, '{"schema": ');
    let run = await runCli(['verify', dir, '--manifest', notJson], work);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('is not JSON');

    const wrong = join(work, 'wrong-schema.json');
    writeFileSync(wrong, JSON.stringify({ schema: 'something-else', files: [] }));
    run = await runCli(['verify', dir, '--manifest', wrong], work);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('not an mlwarden model manifest');
    await expect(
      verifyCommand.run({
        io: {
          stdout: { write: () => true, isTTY: false },
          stderr: { write: () => true, isTTY: false },
          cwd: work,
          env: {},
        },
        globals: { formats: [], outputs: [], quiet: true },
        values: { manifest: wrong },
        positionals: [dir],
      }),
    ).rejects.toMatchObject({ code: 'MLW_ARTIFACT_MANIFEST_INVALID' });

    run = await runCli(['verify', dir, '--manifest', join(work, 'absent.json')], work);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('absent.json');
  });

  it('exits 2 for usage errors: no directory, nothing to verify, a signature without a key', async () => {
    const dir = modelDir('usage');
    expect((await runCli(['verify'], work)).code).toBe(2);
    expect((await runCli(['verify', dir], work)).stderr).toContain('--manifest, --public-key');
    const run = await runCli(['verify', dir, '--signature', join(dir, 'model.sig')], work);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--public-key');
    expect((await runCli(['scan', dir, corpus, '--manifest', 'm.json'], work)).code).toBe(2);
  });
});

describe('mlwarden verify --public-key (signatures made by model_signing)', () => {
  let python: string;
  let keys: string;

  beforeAll(() => {
    const venv = execFileSync(join(root, 'scripts', 'py-venv'), ['artifacts-signing'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
      .toString()
      .trim();
    python = join(venv, 'bin', 'python');
    keys = join(work, 'keys');
    mkdirSync(keys, { recursive: true });
  }, 600_000);

  function signed(name: string, signature?: string): string {
    const dir = modelDir(name);
    const args = [signScript, keys, dir, ...(signature ? ['--signature', signature] : [])];
    execFileSync(python, args, { stdio: 'pipe' });
    return dir;
  }

  it('verifies a signed model (model.sig in the directory) and reports a tampered one', async () => {
    const dir = signed('signed');
    expect(existsSync(join(dir, 'model.sig'))).toBe(true);
    const key = join(keys, 'public.pem');
    let run = await runCli(['verify', dir, '--public-key', key, '-f', 'json'], work);
    expect(run.code).toBe(0);
    const ok = integrity(run.stdout);
    expect(ok.status).toBe('pass');
    expect(ok.metrics).toMatchObject({
      signature: { verified: true, modelName: 'signed', method: 'files' },
    });

    writeFileSync(join(dir, 'weights', 'w.npy'), 'replaced');
    run = await runCli(['verify', dir, '--public-key', key, '-f', 'json'], work);
    expect(run.code).toBe(1);
    const bad = integrity(run.stdout);
    expect(bad.findings.map((f) => [f.ruleId, f.location?.uri, f.evidence.source])).toEqual([
      ['artifact.integrity/changed-file', 'weights/w.npy', 'signature'],
    ]);
  });

  it('checks a detached signature together with a manifest, and rejects another key', async () => {
    const sig = join(work, 'detached.sig');
    const dir = signed('detached', sig);
    const manifest = join(work, 'detached.manifest.json');
    expect((await runCli(['scan', dir, '--manifest', manifest, '-q'], work)).code).toBe(0);
    const key = join(keys, 'public.pem');
    const args = ['verify', dir, '--manifest', manifest, '--signature', sig, '-f', 'json'];
    let run = await runCli([...args, '--public-key', key], work);
    expect(run.code).toBe(0);
    expect(integrity(run.stdout).metrics).toMatchObject({
      manifest: { ok: true },
      signature: { verified: true },
    });

    const otherKeys = join(work, 'other-keys');
    mkdirSync(otherKeys);
    execFileSync(python, [signScript, otherKeys, modelDir('other')], { stdio: 'pipe' });
    run = await runCli([...args, '--public-key', join(otherKeys, 'public.pem')], work);
    expect(run.code).toBe(1);
    const rules = integrity(run.stdout).findings.map((f) => f.ruleId);
    expect(rules).toContain('artifact.integrity/signature-invalid');
  });

  it('exits 2 when the signature file is missing', async () => {
    const dir = modelDir('unsigned');
    const key = join(work, 'unsigned.pem');
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(key, pair.publicKey.export({ type: 'spki', format: 'pem' }));
    const run = await runCli(['verify', dir, '--public-key', key], work);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('model.sig');
  });
});
