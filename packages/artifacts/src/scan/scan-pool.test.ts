import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MlwardenError } from '@mlwarden/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FormatHandler } from '../formats/format-handler.js';
import { CORPUS_FILES } from './_test-corpus.js';
import { WHOLE_FILE_BYTES } from './scan-file.js';
import { scanPaths } from './scan-paths.js';
import { createScanPool, type ScanPool } from './scan-pool.js';
import type { ScanResult } from './scan-result.js';

let pool: ScanPool;
let root: string;
let elsewhere: string;

beforeAll(async () => {
  pool = await createScanPool({ threads: 2 });
  root = mkdtempSync(join(tmpdir(), 'mlwarden-scan-pool-'));
  elsewhere = mkdtempSync(join(tmpdir(), 'mlwarden-scan-pool-out-'));
  mkdirSync(join(root, 'sub', 'deeper'), { recursive: true });
  writeFileSync(join(root, 'a.pkl'), Buffer.from('cos\nsystem\n(S"true"\ntR.', 'latin1'));
  writeFileSync(join(root, 'empty.bin'), Buffer.alloc(0));
  const large = Buffer.alloc(WHOLE_FILE_BYTES + 1000);
  large.set([0x80, 0x02, 0x4b, 0x01, 0x2e]);
  writeFileSync(join(root, 'sub', 'large.bin'), large);
  writeFileSync(join(root, 'sub', 'deeper', 'x.pkl'), Buffer.from([0x80, 0x02, 0x4e, 0x2e]));
  writeFileSync(join(elsewhere, 'outside.pkl'), 'x');
  symlinkSync(join(elsewhere, 'outside.pkl'), join(root, 'link-out.pkl'));
  for (let i = 0; i < 150; i++) {
    writeFileSync(
      join(root, 'sub', `m${String(i).padStart(3, '0')}.pkl`),
      Buffer.from([0x80, 0x02, 0x4b, i, 0x2e]),
    );
  }
}, 60_000);

afterAll(async () => {
  await pool.close();
  rmSync(root, { recursive: true, force: true });
  rmSync(elsewhere, { recursive: true, force: true });
});

const strip = (results: ScanResult[]) => results.map(({ durationMs: _, ...rest }) => rest);

describe('createScanPool', () => {
  it('gives the results of scanPaths, in the same order, for the whole corpus', async () => {
    const alone = await scanPaths([CORPUS_FILES]);
    const pooled = await pool.scanPaths([CORPUS_FILES]);
    expect(pooled.length).toBeGreaterThan(200);
    expect(strip(pooled)).toEqual(strip(alone));
  }, 120_000);

  it('walks several paths in order, with links out of the directory, empty and large files', async () => {
    const paths = [root, join(root, 'a.pkl'), join(root, 'sub', 'deeper')];
    const pooled = await pool.scanPaths(paths);
    expect(strip(pooled)).toEqual(strip(await scanPaths(paths)));
    expect(pooled.slice(0, 3).map((r) => [r.path, r.verdict])).toEqual([
      ['a.pkl', 'findings'],
      ['empty.bin', 'error'],
      ['link-out.pkl', 'incomplete'],
    ]);
    expect(pooled.map((r) => r.path).slice(-2)).toEqual(['a.pkl', 'x.pkl']);
    expect(pooled.length).toBe(3 + 152 + 2);
  });

  it('passes the scan options to its threads', async () => {
    const options = { strict: true, limits: { maxOpcodes: 2 } };
    const pooled = await pool.scanPaths([root], options);
    expect(strip(pooled)).toEqual(strip(await scanPaths([root], options)));
    expect(pooled.find((r) => r.path === 'a.pkl')?.verdict).toBe('incomplete');
  });

  it('rejects a path that does not exist and stays usable', async () => {
    const error = await pool.scanPaths([root, join(root, 'missing')]).catch((e: unknown) => e);
    expect(MlwardenError.isInstance(error) && error.code).toBe('MLW_INPUT_NOT_FOUND');
    expect((await pool.scanPaths([join(root, 'a.pkl')]))[0]?.verdict).toBe('findings');
  });

  it('stops walking when cancelled, and the next call is not cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const cancelled = await pool.scanPaths([root], { signal: controller.signal });
    expect(cancelled).toEqual(await scanPaths([root], { signal: controller.signal }));
    const after = await pool.scanPaths([join(root, 'sub', 'deeper')]);
    expect(after.map((r) => r.verdict)).toEqual(['clean']);
  });

  it('refuses custom handlers, which cannot cross threads', async () => {
    const handler = { format: 'x' } as FormatHandler;
    await expect(
      pool.scanPaths([root], { handlers: [handler] } as Parameters<ScanPool['scanPaths']>[1]),
    ).rejects.toThrow(/default formats only/);
  });

  it('rejects scans once closed, including the one under way', async () => {
    const other = await createScanPool({ threads: 1 });
    const running = other.scanPaths([CORPUS_FILES]);
    await other.close();
    await expect(running).rejects.toThrow(/closed/);
    await expect(other.scanPaths([root])).rejects.toThrow(/closed/);
    await expect(createScanPool({ threads: 0 })).rejects.toThrow(/at least one thread/);
  }, 60_000);
});
