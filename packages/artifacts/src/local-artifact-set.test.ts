import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalArtifactFile, localArtifactSet } from './local-artifact-set.js';

let root: string;
let elsewhere: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'mlwarden-set-'));
  elsewhere = mkdtempSync(join(tmpdir(), 'mlwarden-elsewhere-'));
  mkdirSync(join(root, 'a', 'b'), { recursive: true });
  writeFileSync(join(root, 'a', 'b', 'model.pkl'), 'x');
  writeFileSync(join(root, 'top.bin'), 'yy');
  writeFileSync(join(elsewhere, 'outside.pkl'), 'zzz');
  symlinkSync(join(elsewhere, 'outside.pkl'), join(root, 'link-out.pkl'));
  symlinkSync(elsewhere, join(root, 'dir-out'));
  symlinkSync(join(root, 'a'), join(root, 'a', 'b', 'loop'));
  symlinkSync(join(root, 'nowhere'), join(root, 'dangling'));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(elsewhere, { recursive: true, force: true });
});

async function list(path: string): Promise<LocalArtifactFile[]> {
  const out: LocalArtifactFile[] = [];
  for await (const f of localArtifactSet(path).files()) out.push(f as LocalArtifactFile);
  return out;
}

describe('localArtifactSet', () => {
  it('walks the directory in name order with relative paths and cuts link loops', async () => {
    const files = await list(root);
    expect(files.filter((f) => f.outside === undefined).map((f) => [f.path, f.size])).toEqual([
      ['a/b/model.pkl', 1],
      ['top.bin', 2],
    ]);
  });

  it('lists links that leave the directory without reading them', async () => {
    const files = await list(root);
    const out = files.filter((f) => f.outside !== undefined);
    expect(out.map((f) => f.path)).toEqual(['dangling', 'dir-out', 'link-out.pkl']);
    await expect(out[2]?.read()).rejects.toThrow(/outside the scanned directory/);
  });

  it('accepts a single file', async () => {
    const files = await list(join(root, 'top.bin'));
    expect(files.map((f) => f.path)).toEqual(['top.bin']);
    expect(Buffer.from(await (files[0] as LocalArtifactFile).read()).toString()).toBe('yy');
  });

  it('says clearly when the path does not exist', async () => {
    await expect(list(join(root, 'missing'))).rejects.toThrow(/does not exist/);
  });
});
