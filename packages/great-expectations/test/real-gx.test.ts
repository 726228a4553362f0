import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  contractExpectations,
  exportGxSuite,
  type GxSuiteGeneration,
} from '../src/export-gx-suite.js';
import { breaks, columnTypes, contract, datasets, key } from './_export-contract.js';
import { differences, listing, normalise } from './_fixture-compare.js';

/*
 * Real GX, both generations. One worker process per venv (GX imports slowly) regenerates the
 * fixtures into a temp directory and validates datasets with a suite exported from a contract.
 */

const run = promisify(execFile);
const worker = fileURLToPath(new URL('../python/gx_test_worker.py', import.meta.url));
const committed = fileURLToPath(new URL('../src/__fixtures__/', import.meta.url));
const temp = mkdtempSync(join(tmpdir(), 'mlw-real-gx-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

interface SuiteOutput {
  gx_version: string;
  expectations_loaded: number;
  results: Record<
    string,
    {
      statistics: { unsuccessful_expectations: number; evaluated_expectations: number };
      expectations: { success: boolean; mlwarden: { rule: string; column?: string } }[];
    }
  >;
}

const GENERATIONS = [
  { generation: '0.18', dir: 'gx018', python: () => inject('gx018Python') },
  { generation: '1.x', dir: 'gx1', python: () => inject('gx1Python') },
] as const;

const suites = new Map<GxSuiteGeneration, SuiteOutput>();

beforeAll(async () => {
  await Promise.all(
    GENERATIONS.map(async ({ generation, dir, python }) => {
      mkdirSync(join(temp, dir));
      const tasks = join(temp, `${dir}.tasks.json`);
      const out = join(temp, `${dir}.out.json`);
      writeFileSync(
        tasks,
        JSON.stringify({
          fixtures_dir: join(temp, 'fixtures', dir),
          suite_jobs: { suite: exportGxSuite(contract, { generation }), datasets },
        }),
      );
      await run(python(), ['-B', worker, tasks, out], { maxBuffer: 64 << 20 });
      suites.set(
        generation,
        (JSON.parse(readFileSync(out, 'utf8')) as { suite: SuiteOutput }).suite,
      );
    }),
  );
}, 900_000);

describe('committed fixtures match what GX produces now', () => {
  for (const { dir } of GENERATIONS) {
    it(`${dir}: same files`, () => {
      expect(listing(join(temp, 'fixtures', dir))).toEqual(
        listing(join(committed, dir)).filter((f) => f !== 'README.md'),
      );
    });

    it(`${dir}: same content, except ids, clock readings, temp paths and tracebacks`, () => {
      const jsonFiles = listing(join(committed, dir)).filter((f) => f.endsWith('.json'));
      expect(jsonFiles.length).toBeGreaterThan(10);
      for (const file of jsonFiles) {
        const load = (base: string) =>
          normalise(JSON.parse(readFileSync(join(base, dir, file), 'utf8')));
        expect(differences(load(join(temp, 'fixtures')), load(committed)), file).toEqual([]);
      }
    });
  }
});

describe('suites exported from a contract, run by real GX', () => {
  const expected = contractExpectations(contract);
  const shouldFail = expected
    .filter((e) => breaks(e, datasets.broken.records, columnTypes))
    .map(key)
    .sort();
  const failedIn = (output: SuiteOutput | undefined, dataset: 'clean' | 'broken') =>
    output?.results[dataset]?.expectations
      .filter((e) => !e.success)
      .map((e) => key({ rule: e.mlwarden.rule, column: e.mlwarden.column }))
      .sort();

  it('the broken dataset breaks every kind of rule', () => {
    const rules = new Set(shouldFail.map((k) => k.split(':')[0]));
    expect([...rules].sort()).toEqual([
      'allowed-values',
      'exists',
      'not-null',
      'pattern',
      'range',
      'row-count',
      'type',
      'unique',
    ]);
  });

  for (const { generation } of GENERATIONS) {
    it(`GX ${generation} loads the suite from a project and passes the clean dataset`, () => {
      const out = suites.get(generation);
      expect(out?.gx_version.startsWith(generation === '0.18' ? '0.18.' : '1.')).toBe(true);
      expect(out?.expectations_loaded).toBe(expected.length);
      expect(out?.results.clean?.statistics.evaluated_expectations).toBe(expected.length);
      expect(failedIn(out, 'clean')).toEqual([]);
    });

    it(`GX ${generation} fails exactly the expectations the contract says the broken dataset breaks`, () => {
      const out = suites.get(generation);
      expect(failedIn(out, 'broken')).toEqual(shouldFail);
      expect(out?.results.broken?.statistics.unsuccessful_expectations).toBe(shouldFail.length);
    });
  }
});
