import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MlwardenError } from '@mlwarden/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createManifest, parseManifest, verifyManifest } from './model-manifest.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlw-manifest-'));
  mkdirSync(join(dir, 'sub', 'deeper'), { recursive: true });
  mkdirSync(join(dir, '.git'));
  writeFileSync(join(dir, 'model.safetensors'), Buffer.alloc(5000, 7));
  writeFileSync(join(dir, 'sub', 'config.json'), '{"a": 1}\n');
  writeFileSync(join(dir, 'sub', 'deeper', 'Ä.bin'), 'unicode name');
  writeFileSync(join(dir, 'B-upper.txt'), 'sorted before lower case');
  writeFileSync(join(dir, '.git', 'HEAD'), 'ignored');
  writeFileSync(join(dir, 'model.sig'), 'ignored too');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('createManifest', () => {
  it('hashes every file and gives the directory digest sha256sum gives', async () => {
    const m = await createManifest(dir);
    expect(m.files.map((f) => f.path)).toEqual([
      'B-upper.txt',
      'model.safetensors',
      'sub/config.json',
      'sub/deeper/Ä.bin',
    ]);
    const sums = execFileSync(
      'sha256sum',
      m.files.map((f) => f.path),
      { cwd: dir },
    ).toString();
    expect(
      sums
        .trim()
        .split('\n')
        .map((l) => l.slice(0, 64)),
    ).toEqual(m.files.map((f) => f.sha256));
    // The documented shell recipe, with the default ignores removed first.
    rmSync(join(dir, '.git'), { recursive: true });
    rmSync(join(dir, 'model.sig'));
    const shell = execFileSync(
      'sh',
      ['-c', "find . -type f -printf '%P\\0' | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum"],
      { cwd: dir },
    )
      .toString()
      .slice(0, 64);
    expect(m.digest).toBe(shell);
  });

  it('refuses symbolic links', async () => {
    symlinkSync('/etc/hostname', join(dir, 'link'));
    await expect(createManifest(dir)).rejects.toMatchObject({ code: 'MLW_ARTIFACT_SYMLINK' });
  });

  it('refuses a path that is not a directory', async () => {
    await expect(createManifest(join(dir, 'model.safetensors'))).rejects.toMatchObject({
      code: 'MLW_ARTIFACT_MODEL_DIR',
    });
  });
});

describe('verifyManifest', () => {
  it('accepts the unchanged directory', async () => {
    const m = await createManifest(dir);
    const diff = await verifyManifest(dir, JSON.parse(JSON.stringify(m)));
    expect(diff).toMatchObject({ ok: true, added: [], removed: [], changed: [] });
    expect(diff.digest.actual).toBe(m.digest);
  });

  it('lists added, removed and changed files', async () => {
    const m = await createManifest(dir);
    writeFileSync(join(dir, 'sub', 'config.json'), '{"a": 2}\n');
    rmSync(join(dir, 'B-upper.txt'));
    writeFileSync(join(dir, 'sub', 'extra.pkl'), 'new');
    const diff = await verifyManifest(dir, m);
    expect(diff.ok).toBe(false);
    expect(diff.added).toEqual(['sub/extra.pkl']);
    expect(diff.removed).toEqual(['B-upper.txt']);
    expect(diff.changed.map((c) => c.path)).toEqual(['sub/config.json']);
    expect(diff.digest.actual).not.toBe(diff.digest.expected);
  });

  it('notices a manifest whose file list was edited without its digest', async () => {
    const m = await createManifest(dir);
    writeFileSync(join(dir, 'sub', 'config.json'), 'tampered');
    const forged = {
      ...m,
      files: m.files.map((f) =>
        f.path === 'sub/config.json'
          ? {
              ...f,
              sha256: execFileSync('sha256sum', ['sub/config.json'], { cwd: dir })
                .toString()
                .slice(0, 64),
            }
          : f,
      ),
    };
    const diff = await verifyManifest(dir, forged);
    expect(diff.changed).toEqual([]);
    expect(diff.manifestInconsistent).toBe(true);
    expect(diff.ok).toBe(false);
  });

  it('rejects something that is not a manifest with a typed error', async () => {
    const error = await verifyManifest(dir, { schema: 'other' }).catch((e: unknown) => e);
    expect(MlwardenError.isInstance(error)).toBe(true);
    expect((error as MlwardenError).code).toBe('MLW_ARTIFACT_MANIFEST_INVALID');
    expect(() => parseManifest(null)).toThrow(/not an mlwarden model manifest/);
  });
});
