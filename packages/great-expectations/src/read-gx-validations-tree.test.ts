import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureJson, fixturePath, GENERATIONS } from './_test-fixtures.js';
import {
  findValidationsDir,
  latestRuns,
  listGxValidations,
  readGxValidationsTree,
} from './read-gx-validations-tree.js';

interface Manifest {
  runs: {
    run_name: string | null;
    run_time: string;
    validations: {
      key: string;
      suite: string;
      statistics: { unsuccessful_expectations: number };
    }[];
  }[];
}

const temp = mkdtempSync(join(tmpdir(), 'mlw-gx-tree-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('readGxValidationsTree', () => {
  for (const generation of GENERATIONS) {
    const project = fixturePath(generation, 'project');

    it(`${generation}: finds uncommitted/validations below a project directory`, async () => {
      expect(await findValidationsDir(project)).toBe(
        join(project, 'gx', 'uncommitted', 'validations'),
      );
      expect(await findValidationsDir(join(project, 'gx'))).toBe(
        join(project, 'gx', 'uncommitted', 'validations'),
      );
      const direct = join(project, 'gx', 'uncommitted', 'validations');
      expect(await findValidationsDir(direct)).toBe(direct);
    });

    it(`${generation}: reads every checkpoint run GX stored, with GX's own counts`, async () => {
      const runs = await readGxValidationsTree(project, { runs: 'all' });
      const manifest = fixtureJson<Manifest>(generation, 'manifest.json');
      for (const run of manifest.runs) {
        for (const v of run.validations) {
          const member = `${v.key.replace('ValidationResultIdentifier::', '')}.json`;
          const found = runs.find((r) => r.member === member);
          expect(found, member).toBeDefined();
          expect(found?.suiteName).toBe(v.suite);
          expect(found?.runName).toBe(run.run_name);
          expect(found?.statistics?.unsuccessfulExpectations).toBe(
            v.statistics.unsuccessful_expectations,
          );
          expect(found?.counted.unsuccessful).toBe(v.statistics.unsuccessful_expectations);
          expect(found?.origin).toBe(project);
        }
      }
    });

    it(`${generation}: by default keeps only the newest run of each suite`, async () => {
      const runs = await readGxValidationsTree(project);
      const latestTrips = generation === 'gx1' ? 'adhoc-boolean_only' : 'nightly';
      expect(runs.map((r) => [r.suiteName, r.runName])).toEqual([
        ['shop.orders', 'nightly'],
        ['trips', latestTrips],
      ]);
    });
  }

  it('orders runs by run time, then run name, and keeps every batch of the newest run', () => {
    const entry = (suitePath: string, runName: string | null, runTime: string, batch: string) => ({
      path: `${suitePath}/${runName}/${runTime}/${batch}.json`,
      relative: '',
      suitePath,
      runName,
      runTime,
      batch,
    });
    const entries = [
      entry('a', 'x', '20240101T000000.000000Z', 'b1'),
      entry('a', null, '20240102T000000.000000Z', 'b1'),
      entry('a', null, '20240102T000000.000000Z', 'b2'),
      entry('a', 'y', '20240101T120000.000000Z', 'b1'),
      entry('c/d', 'z', '20231231T000000.000000Z', 'b1'),
    ];
    expect(latestRuns(entries).map((e) => [e.suitePath, e.runName, e.batch])).toEqual([
      ['a', null, 'b1'],
      ['a', null, 'b2'],
      ['c/d', 'z', 'b1'],
    ]);
  });

  it('says an empty tree holds no results', async () => {
    const empty = join(temp, 'empty', 'uncommitted', 'validations');
    mkdirSync(empty, { recursive: true });
    writeFileSync(join(empty, '.ge_store_backend_id'), 'store_backend_id = x\n');
    await expect(readGxValidationsTree(join(temp, 'empty'))).rejects.toThrow(
      /no GX validation results found/,
    );
    await expect(readGxValidationsTree(join(temp, 'missing'))).rejects.toThrow(
      /is not a directory/,
    );
  });

  it('skips links and files outside the store layout, and says so', async () => {
    const root = join(temp, 'odd');
    cpSync(fixturePath('gx018', 'project', 'gx', 'uncommitted', 'validations'), root, {
      recursive: true,
    });
    writeFileSync(join(root, 'notes.json'), '{}');
    symlinkSync(fixturePath('gx1', 'project'), join(root, 'link'));
    const ignored: string[] = [];
    const entries = await listGxValidations(root, {
      onIgnored: (path, reason) => ignored.push(`${path}: ${reason}`),
    });
    expect(entries).toHaveLength(6);
    expect(ignored.sort()).toEqual([
      `${join(root, 'link')}: symbolic links are not followed`,
      `${join(root, 'notes.json')}: not in the <suite>/<run name>/<run time>/<batch>.json layout of GX`,
    ]);
    await expect(listGxValidations(root, { maxFiles: 2 })).rejects.toThrow(
      expect.objectContaining({ code: 'MLW_LIMIT_EXCEEDED' }),
    );
  });
});
