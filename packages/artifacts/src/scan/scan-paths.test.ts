import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultHandlers } from '../formats/default-handlers.js';
import type { FormatHandler } from '../formats/format-handler.js';
import { localArtifactFile, scanArtifactFile, WHOLE_FILE_BYTES } from './scan-file.js';
import { scanPaths } from './scan-paths.js';

let root: string;
const names: string[] = [];

// Small pickles (clean, one dangerous) and files too large to be read whole, interleaved.
const CLEAN = Buffer.from([0x80, 0x02, 0x4b, 0x01, 0x2e]); // PROTO 2, BININT1 1, STOP
const EVIL = Buffer.from('cos\nsystem\n(S"true"\ntR.', 'latin1');
/** A clean pickle followed by zeros (no opcode: the scan stops there), too large to read whole. */
function largeFile(): Buffer {
  const b = Buffer.alloc(WHOLE_FILE_BYTES + 4096);
  b.set(CLEAN);
  return b;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'mlwarden-scan-paths-'));
  mkdirSync(join(root, 'sub'));
  const files: [string, Buffer][] = [
    ['a-small.pkl', CLEAN],
    ['b-large.bin', largeFile()],
    ['c-large.bin', largeFile()],
    ['d-large.bin', largeFile()],
    ['e-evil.pkl', EVIL],
    ['sub/f-small.pkl', CLEAN],
    ['sub/g-evil.pkl', EVIL],
    ['z-empty.bin', Buffer.alloc(0)],
  ];
  for (const [name, bytes] of files) {
    writeFileSync(join(root, name), bytes);
    names.push(name);
  }
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

const strip = ({ durationMs: _, ...rest }: { durationMs: number }) => rest;

/** A format that claims everything and counts the scans under way at once. */
function counting(): { handler: FormatHandler; peak: { small: number; large: number } } {
  const peak = { small: 0, large: 0 };
  const now = { small: 0, large: 0 };
  const handler: FormatHandler = {
    format: 'counting',
    sniff: () => 'elsewhere',
    async scan(source) {
      const kind = (source.size ?? 0) > WHOLE_FILE_BYTES ? 'large' : 'small';
      now[kind]++;
      peak[kind] = Math.max(peak[kind], now[kind]);
      await new Promise((resolve) => setTimeout(resolve, kind === 'large' ? 200 : 20));
      now[kind]--;
    },
  };
  return { handler, peak };
}

describe('scanPaths', () => {
  it('gives one result per file in walk order, the same as scanning each file alone', async () => {
    for (const concurrency of [1, 2, 4, 16]) {
      const results = await scanPaths([root], { concurrency });
      expect(results.map((r) => r.path)).toEqual(names);
      const alone = await Promise.all(
        names.map(async (n) => scanArtifactFile(await localArtifactFile(join(root, n), n))),
      );
      expect(results.map(strip)).toEqual(alone.map(strip));
    }
    const verdicts = (await scanPaths([root])).map((r) => r.verdict);
    expect(verdicts).toEqual([
      'clean',
      'clean',
      'clean',
      'clean',
      'findings',
      'clean',
      'findings',
      'error',
    ]);
  });

  it('scans large files concurrently up to the limit and small ones one at a time', async () => {
    const large = join(root, 'only-large');
    const small = join(root, 'only-small');
    mkdirSync(large);
    mkdirSync(small);
    for (let i = 0; i < 5; i++) {
      writeFileSync(join(large, `${i}.bin`), largeFile());
      writeFileSync(join(small, `${i}.pkl`), CLEAN);
    }
    try {
      for (const [concurrency, peakLarge] of [
        [4, 4],
        [2, 2],
        [1, 1],
      ] as const) {
        const seen = counting();
        await scanPaths([large, small], {
          concurrency,
          handlers: [seen.handler, ...defaultHandlers],
        });
        expect(seen.peak).toEqual({ small: 1, large: peakLarge });
      }
    } finally {
      rmSync(large, { recursive: true });
      rmSync(small, { recursive: true });
    }
  });

  it('keeps the order of several paths and fails on one that does not exist', async () => {
    const results = await scanPaths([join(root, 'sub'), join(root, 'e-evil.pkl')]);
    expect(results.map((r) => r.path)).toEqual(['f-small.pkl', 'g-evil.pkl', 'e-evil.pkl']);
    await expect(scanPaths([root, join(root, 'missing')])).rejects.toThrow(/does not exist/);
  });
});
