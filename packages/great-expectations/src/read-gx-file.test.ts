import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixturePath } from './_test-fixtures.js';
import { largeValidationResult } from './_test-large-results.js';
import { readGxFile } from './read-gx-file.js';

const temp = mkdtempSync(join(tmpdir(), 'mlw-gx-file-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('readGxFile', () => {
  it('reads a results file and records the name the user gave', async () => {
    const path = fixturePath('gx018', 'checkpoint-result.json');
    const runs = await readGxFile(path, { origin: 'results/cp.json' });
    expect(runs.map((r) => [r.file, r.origin])).toEqual([
      [path, 'results/cp.json'],
      [path, 'results/cp.json'],
    ]);
  });

  it('streams a file of 100 000 expectations and counts them as GX did', async () => {
    const { json, failed } = largeValidationResult(100_000);
    const path = join(temp, 'large.json');
    writeFileSync(path, json);
    const [run] = await readGxFile(path);
    expect(run?.statistics?.evaluatedExpectations).toBe(100_000);
    expect(run?.counted).toEqual({
      evaluated: 100_000,
      successful: 100_000 - failed,
      unsuccessful: failed,
      exceptions: 0,
    });
    expect(run?.failures).toHaveLength(failed);
    expect(run?.failures[0]?.index).toBe(0);
    expect(run?.failures.at(-1)?.index).toBe(99_995);
  });

  it('gives clear errors for missing, empty and non-regular files', async () => {
    await expect(readGxFile(join(temp, 'nope.json'))).rejects.toThrow(
      expect.objectContaining({
        code: 'MLW_INPUT_NOT_FOUND',
        message: expect.stringMatching(/no such file/),
      }),
    );
    const empty = join(temp, 'empty.json');
    writeFileSync(empty, '');
    await expect(readGxFile(empty)).rejects.toThrow(/is empty/);
    await expect(readGxFile(temp)).rejects.toThrow(/is not a regular file|EISDIR/);
  });

  it('stops when the signal is aborted', async () => {
    const { json } = largeValidationResult(5000);
    const path = join(temp, 'abort.json');
    writeFileSync(path, json);
    const controller = new AbortController();
    controller.abort(new Error('stop now'));
    await expect(readGxFile(path, { signal: controller.signal })).rejects.toThrow('stop now');
  });
});
