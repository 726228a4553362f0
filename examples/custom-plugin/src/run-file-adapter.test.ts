import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, silentLogger } from '@mlwarden/core';
import { describe, expect, it } from 'vitest';
import { runFileAdapter } from './run-file-adapter.js';

const context = (cwd: string) => ({
  kind: 'run' as const,
  cwd,
  signal: new AbortController().signal,
  log: silentLogger,
});

describe('runFileAdapter', () => {
  const dir = mkdtempSync(join(tmpdir(), 'run-file-'));

  it('resolves only *.run.json files as runs', () => {
    expect(runFileAdapter.canResolve('a.run.json', 'run')).toBe(true);
    expect(runFileAdapter.canResolve('a.run.json', 'dataset')).toBe(false);
    expect(runFileAdapter.canResolve('a.json', 'run')).toBe(false);
  });

  it('reads a run file', async () => {
    writeFileSync(
      join(dir, 'ok.run.json'),
      JSON.stringify({ id: 'r', params: { a: '1' }, tags: {} }),
    );
    const { run } = await runFileAdapter.resolve('ok.run.json', context(dir));
    expect(run).toEqual({ source: 'ok.run.json', id: 'r', params: { a: '1' }, tags: {} });
  });

  it('rejects truncated JSON and wrong shapes with an InputError', async () => {
    writeFileSync(join(dir, 'cut.run.json'), '{"id": "r", "par');
    writeFileSync(
      join(dir, 'shape.run.json'),
      JSON.stringify({ id: 'r', params: { a: 1 }, tags: {} }),
    );
    await expect(runFileAdapter.resolve('cut.run.json', context(dir))).rejects.toThrow(InputError);
    await expect(runFileAdapter.resolve('shape.run.json', context(dir))).rejects.toThrow(
      /is not a run file/,
    );
  });
});
