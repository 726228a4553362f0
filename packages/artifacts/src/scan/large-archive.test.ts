import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ArtifactFile } from '@mlwarden/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localArtifactFile, scanArtifactFile, scanFile } from './scan-file.js';

let work: string;
let model: string;
let damaged: string;

// A PyTorch-like zip written by Python's zipfile (stored members, as torch.save writes them):
// data.pkl, version, an 8 MiB tensor storage of seeded random bytes, and a second storage member
// that starts with a pickle calling os.system (inert canary argument) followed by 2 MiB of data.
const MAKE_ZIP = `
import pickle, random, sys, zipfile
rng = random.Random(0)
payload = b"cos\\nsystem\\n(S'MLWARDEN_CANARY_DO_NOT_RUN'\\ntR."
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_STORED) as z:
    z.writestr("archive/data.pkl", pickle.dumps({"w": 1, "b": [1.0, 2.0]}, protocol=2))
    z.writestr("archive/version", b"3\\n")
    z.writestr("archive/data/0", rng.randbytes(8 * 1024 * 1024))
    z.writestr("archive/data/1", payload + rng.randbytes(2 * 1024 * 1024))
`;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mlwarden-large-zip-'));
  model = join(work, 'model.pt');
  execFileSync('python3', ['-c', MAKE_ZIP, model]);
  // The same archive with one byte of the large storage changed after its CRC was written.
  damaged = join(work, 'damaged.pt');
  const bytes = readFileSync(model);
  const at = bytes.indexOf('archive/data/0') + 'archive/data/0'.length + 4 * 1024 * 1024;
  bytes[at] = (bytes[at] as number) ^ 0xff;
  writeFileSync(damaged, bytes);
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** The same file, with every read counted. */
async function counted(path: string): Promise<{ file: ArtifactFile; bytes: () => number }> {
  const inner = await localArtifactFile(path);
  let bytes = 0;
  const file: ArtifactFile = {
    path: inner.path,
    size: inner.size,
    read: async (start, end) => {
      const got = await inner.read(start, end);
      bytes += got.length;
      return got;
    },
    stream: () => {
      throw new Error('a file with random access is never streamed whole');
    },
  };
  return { file, bytes: () => bytes };
}

describe('archives of large members', () => {
  it('reads the directory, the pickles and the head of each storage member, not the tensor bytes', async () => {
    const { file, bytes } = await counted(model);
    const result = await scanArtifactFile(file);
    expect(result.verdict).toBe('findings');
    // Still found: a pickle hidden at the start of a storage member.
    const hit = result.findings.find((f) => f.rule === 'dangerous-import');
    expect(hit).toMatchObject({ member: 'archive/data/1', module: 'os', name: 'system' });
    expect(result.files.find((f) => f.member === 'archive/data.pkl')?.verdict).toBe('clean');
    const size = statSync(model).size;
    expect(size).toBeGreaterThan(10 * 1024 * 1024);
    expect(bytes()).toBeLessThan(1024 * 1024);
  });

  it('checks the CRC of members it does not read to the end only with deep', async () => {
    const crc = (r: Awaited<ReturnType<typeof scanFile>>) =>
      r.findings.filter((f) => f.evidence.anomaly === 'crc-mismatch').map((f) => f.member);
    expect(crc(await scanFile(damaged))).toEqual([]);
    expect(crc(await scanFile(damaged, { deep: true }))).toEqual(['archive/data/0']);
    expect(crc(await scanFile(model, { deep: true }))).toEqual([]);
  });
});
