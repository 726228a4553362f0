import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckTester } from '@mlwarden/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactIntegrityCheck } from './artifact-integrity-check.js';
import { createManifest } from './integrity/model-manifest.js';
import { localArtifactSet } from './local-artifact-set.js';

let work: string;

function model(name: string): string {
  const dir = join(work, name);
  mkdirSync(join(dir, 'sub'), { recursive: true });
  writeFileSync(join(dir, 'config.json'), '{"a": 1}\n');
  writeFileSync(join(dir, 'sub', 'weights.bin'), Buffer.from([1, 2, 3, 4]));
  return dir;
}

async function pinned(name: string): Promise<{ dir: string; manifest: string }> {
  const dir = model(name);
  const manifest = join(work, `${name}.json`);
  writeFileSync(manifest, JSON.stringify(await createManifest(dir)));
  return { dir, manifest };
}

const tester = new CheckTester(artifactIntegrityCheck);

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mlwarden-integrity-'));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('artifact.integrity', () => {
  it('passes an untouched directory, taken from the artifacts input', async () => {
    const { dir, manifest } = await pinned('ok');
    const result = await tester.run({
      inputs: { artifacts: localArtifactSet(dir) },
      options: { manifest },
    });
    expect(result.status).toBe('pass');
    expect(result.metrics.manifest).toMatchObject({ ok: true, added: 0, removed: 0, changed: 0 });
  });

  it('reports changed, missing, extra files and symbolic links with their paths', async () => {
    const { dir, manifest } = await pinned('changed');
    writeFileSync(join(dir, 'config.json'), '{"a": 2}\n');
    rmSync(join(dir, 'sub', 'weights.bin'));
    writeFileSync(join(dir, 'sub', 'extra.pkl'), 'x');
    symlinkSync(join(dir, 'config.json'), join(dir, 'link.json'));
    const result = await tester.run({
      inputs: { artifacts: localArtifactSet(dir) },
      options: { manifest },
    });
    expect(result.status).toBe('fail');
    const found = result.findings.map((f) => [f.ruleId, f.severity, f.location?.uri]);
    expect(found).toEqual([
      ['artifact.integrity/changed-file', 'high', 'config.json'],
      ['artifact.integrity/missing-file', 'high', 'sub/weights.bin'],
      ['artifact.integrity/extra-file', 'high', 'sub/extra.pkl'],
      ['artifact.integrity/symlink', 'medium', 'link.json'],
    ]);
    expect(result.findings[0]?.evidence).toMatchObject({ source: 'manifest' });
  });

  it('flags a manifest whose digest no longer matches its file list', async () => {
    const { dir } = await pinned('edited');
    const m = await createManifest(dir);
    writeFileSync(join(dir, 'config.json'), 'changed');
    const forged = { ...m, files: (await createManifest(dir)).files };
    const path = join(work, 'forged.json');
    writeFileSync(path, JSON.stringify(forged));
    const result = await tester.run({
      inputs: { artifacts: localArtifactSet(dir) },
      options: { manifest: path },
    });
    expect(result.findings.map((f) => f.ruleId)).toEqual(['artifact.integrity/manifest-tampered']);
  });

  it('turns an unreadable manifest or key into an unverifiable finding, never a pass', async () => {
    const dir = model('unreadable');
    const bad = join(work, 'bad.json');
    writeFileSync(bad, '{"schema": "x"}');
    const result = await tester.run({
      inputs: { artifacts: localArtifactSet(dir) },
      options: { manifest: bad, publicKey: join(work, 'no-key.pem') },
    });
    expect(result.status).toBe('fail');
    expect(result.findings.map((f) => f.ruleId)).toEqual([
      'artifact.integrity/unverifiable',
      'artifact.integrity/unverifiable',
    ]);
    expect(result.incomplete?.length).toBe(2);
  });

  it('is skipped with nothing to verify or without a local directory', async () => {
    const dir = model('skip');
    let result = await tester.run({ inputs: { artifacts: localArtifactSet(dir) } });
    expect(result.status).toBe('skip');
    result = await tester.run({
      inputs: { artifacts: localArtifactSet(join(work, 'nowhere')) },
      options: { manifest: join(work, 'ok.json') },
    });
    expect(result.status).toBe('skip');
    expect(result.reason).toContain('not a local directory');
  });
});
