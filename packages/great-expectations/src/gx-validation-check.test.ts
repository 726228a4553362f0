import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type CheckResult, type Finding, runChecks, type ValidationResults } from '@mlwarden/core';
import { describe, expect, it } from 'vitest';
import { fixtureJson, fixturePath, GENERATIONS, plantedSecrets } from './_test-fixtures.js';
import { GX_TOOL, gxValidationCheck } from './gx-validation-check.js';
import { importGxResults } from './import-gx-results.js';
import { parseGxResults } from './parse-gx-results.js';

async function check(
  validationResults: ValidationResults,
  options?: unknown,
): Promise<CheckResult> {
  const report = await runChecks({
    checks: [gxValidationCheck],
    inputs: { validationResults },
    ...(options !== undefined && { settings: { 'gx.validation': { options } } }),
  });
  const [result] = report.results;
  if (!result) throw new Error('no result');
  return result;
}

const PER_EXPECTATION = new Set([
  'gx.validation/failed-expectation',
  'gx.validation/expectation-error',
]);

/** Findings per failed expectation, grouped by where GX wrote the validation. */
function countByValidation(findings: Finding[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const f of findings) {
    if (!PER_EXPECTATION.has(f.ruleId)) continue;
    const key = `${f.location?.uri}#${(f.evidence as { member?: string }).member ?? ''}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

type Stats = { unsuccessful_expectations: number; evaluated_expectations: number };

/** GX's own `unsuccessful_expectations` per validation, read straight from the JSON it wrote. */
function gxCounts(generation: string, file: string): Map<string, number> {
  const doc = fixtureJson<Record<string, unknown>>(generation, file);
  const counts = new Map<string, number>();
  const uri = fixturePath(generation, file);
  if ('run_results' in doc) {
    for (const [key, value] of Object.entries(
      doc.run_results as Record<string, Record<string, unknown>>,
    )) {
      const suite = (value.validation_result ?? value) as { statistics: Stats };
      counts.set(`${uri}#${key}`, suite.statistics.unsuccessful_expectations);
    }
  } else if ('validation_results' in doc) {
    (doc.validation_results as { statistics: Stats }[]).forEach((v, i) => {
      counts.set(`${uri}#validation_results[${i}]`, v.statistics.unsuccessful_expectations);
    });
  } else {
    counts.set(`${uri}#`, (doc.statistics as Stats).unsuccessful_expectations);
  }
  return counts;
}

function treeFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return treeFiles(path);
    return name.endsWith('.json') ? [path] : [];
  });
}

function withoutZeros(map: Map<string, number>): Map<string, number> {
  return new Map([...map].filter(([, n]) => n > 0));
}

describe('acceptance: failed expectations in the report equal GX statistics', () => {
  for (const generation of GENERATIONS) {
    const files = readdirSync(fixturePath(generation)).filter(
      (f) => f.endsWith('.json') && f !== 'manifest.json',
    );

    for (const file of files) {
      it(`${generation}/${file}: per validation`, async () => {
        const path = fixturePath(generation, file);
        const result = await check(await importGxResults(path));
        expect(result.status).toBe('fail');
        const expected = gxCounts(generation, file);
        expect([...expected.values()].some((n) => n > 0)).toBe(true);
        expect(countByValidation(result.findings)).toEqual(withoutZeros(expected));
      });
    }

    it(`${generation}: the whole validations tree, every run`, async () => {
      const project = fixturePath(generation, 'project');
      const validations = join(project, 'gx', 'uncommitted', 'validations');
      const result = await check(await importGxResults(project, { runs: 'all' }));
      const expected = new Map<string, number>();
      for (const path of treeFiles(validations)) {
        const stats = (fixtureJson(relative(fixturePath(), path)) as { statistics: Stats })
          .statistics;
        expected.set(`${project}#${relative(validations, path)}`, stats.unsuccessful_expectations);
      }
      expect(expected.size).toBeGreaterThanOrEqual(6);
      expect(countByValidation(result.findings)).toEqual(withoutZeros(expected));
      const total = [...expected.values()].reduce((a, b) => a + b, 0);
      expect(
        (result.metrics.expectationsFailed as number) +
          (result.metrics.expectationsErrored as number),
      ).toBe(total);
    });
  }
});

describe('gx.validation findings', () => {
  const nightly = () => importGxResults(fixturePath('gx018', 'checkpoint-result.json'));
  const byColumn = (result: CheckResult, column: string, type?: string) =>
    result.findings.find(
      (f) =>
        f.location?.column === column &&
        (type === undefined ||
          (f.evidence as { expectation?: { type: string } }).expectation?.type === type),
    );

  it('never puts a planted raw value into the report', async () => {
    for (const generation of GENERATIONS) {
      const inputs = await importGxResults(
        ['checkpoint-result.json', 'validation-result-complete.json', 'project'].map((f) =>
          fixturePath(generation, f),
        ),
        { runs: 'all' },
      );
      const text = JSON.stringify(await check(inputs));
      for (const secret of plantedSecrets()) expect(text).not.toContain(secret);
    }
  });

  it('maps severity by expectation type, meta and options', async () => {
    const result = await check(await nightly());
    expect(
      byColumn(result, 'passenger_count', 'expect_column_values_to_not_be_null')?.severity,
    ).toBe('medium');
    expect(byColumn(result, 'payment_type', 'expect_column_values_to_be_in_set')?.severity).toBe(
      'high',
    );
    const email = byColumn(result, 'email');
    expect(email?.severity).toBe('low');
    expect(email?.evidence?.severitySource).toBe('meta');
    const tip = byColumn(result, 'tip');
    expect(tip).toMatchObject({ ruleId: 'gx.validation/expectation-error', severity: 'high' });

    const tuned = await check(await nightly(), {
      severities: {
        expect_column_values_to_not_be_null: 'critical',
        expect_column_values_to_match_regex: 'info',
      },
      useMetaSeverity: false,
      exceptionSeverity: 'medium',
    });
    expect(byColumn(tuned, 'passenger_count')?.severity).toBe('critical');
    expect(byColumn(tuned, 'email')?.severity).toBe('info');
    expect(byColumn(tuned, 'tip')?.severity).toBe('medium');
  });

  it("honours GX 1.x's own severity field: warning caps at medium, info is info", async () => {
    const doc = fixtureJson<{
      results: { expectation_config: { type: string; severity?: string } }[];
    }>('gx1', 'validation-result-complete.json');
    for (const r of doc.results) {
      if (r.expectation_config.type === 'expect_table_row_count_to_be_between')
        r.expectation_config.severity = 'warning';
      if (r.expectation_config.type === 'expect_column_values_to_be_unique')
        r.expectation_config.severity = 'info';
    }
    const result = await check({
      source: 'x',
      tool: GX_TOOL,
      results: parseGxResults(JSON.stringify(doc)),
    });
    const type = (f: Finding) =>
      (f.evidence as { expectation?: { type: string } }).expectation?.type;
    expect(
      result.findings.find((f) => type(f) === 'expect_table_row_count_to_be_between')?.severity,
    ).toBe('medium');
    expect(
      result.findings.find((f) => type(f) === 'expect_column_values_to_be_unique')?.severity,
    ).toBe('info');
  });

  it('gives tampering-like patterns poisoning and drift taxonomy ids', async () => {
    const result = await check(await nightly());
    const shift = result.findings.find((f) => f.ruleId === 'gx.validation/distribution-shift');
    expect(shift?.taxonomy).toEqual({ atlas: ['AML.T0020', 'AML.T0059'], owasp: ['ML02', 'ML08'] });
    expect(shift?.evidence?.columns).toEqual(['fare', 'payment_type']);
    const rowCount = result.findings.find((f) =>
      f.message.startsWith('expect_table_row_count_to_be_between'),
    );
    expect(rowCount?.taxonomy).toEqual({ atlas: ['AML.T0020'], owasp: ['ML02'] });
    expect(rowCount?.evidence?.pattern).toBe('row-count-jump');
    expect(
      byColumn(result, 'payment_type', 'expect_column_values_to_be_in_set')?.evidence?.pattern,
    ).toBe('new-categories');
    expect(byColumn(result, 'fare', 'expect_column_mean_to_be_between')?.taxonomy.owasp).toEqual([
      'ML02',
      'ML08',
    ]);
    expect(byColumn(result, 'passenger_count')?.taxonomy).toEqual({});

    // A 37% jump is no jump at a stricter ratio; one distribution failure alone is drift only.
    const strict = await check(await nightly(), { rowCountJumpRatio: 2, distributionShiftMin: 10 });
    const strictRowCount = strict.findings.find((f) =>
      f.message.startsWith('expect_table_row_count_to_be_between'),
    );
    expect(strictRowCount?.taxonomy).toEqual({});
    expect(strict.findings.some((f) => f.ruleId === 'gx.validation/distribution-shift')).toBe(
      false,
    );
    expect(byColumn(strict, 'fare', 'expect_column_mean_to_be_between')?.taxonomy).toEqual({
      owasp: ['ML08'],
    });
  });

  it('puts success statistics into metrics', async () => {
    const result = await check(await nightly());
    expect(result.metrics).toMatchObject({
      suiteRuns: 2,
      expectationsEvaluated: 23,
      expectationsSuccessful: 9,
      expectationsFailed: 13,
      expectationsErrored: 1,
      gxVersions: ['0.18.22'],
    });
    expect(result.metrics.runs).toEqual([
      expect.objectContaining({
        suite: 'trips',
        run: 'nightly',
        evaluated: 19,
        unsuccessful: 14,
        success: false,
      }),
      expect.objectContaining({
        suite: 'shop.orders',
        evaluated: 4,
        unsuccessful: 0,
        successPercent: 100,
      }),
    ]);
  });

  it('masks observed numbers on request', async () => {
    const result = await check(await nightly(), { maskObservedNumbers: true });
    const mean = byColumn(result, 'fare', 'expect_column_mean_to_be_between');
    expect(mean?.evidence?.observedValue).toBe('<number>');
    expect(mean?.message).not.toContain('51.5');
  });

  it('keeps fingerprints stable across runs of the same expectation', async () => {
    const all = await check(await importGxResults(fixturePath('gx1', 'project'), { runs: 'all' }));
    const mean = all.findings.filter((f) =>
      f.message.startsWith('expect_column_mean_to_be_between'),
    );
    expect(mean.length).toBeGreaterThan(1);
    expect(new Set(mean.map((f) => f.fingerprint)).size).toBe(1);
  });

  it('reports edited statistics, empty validations and unknown GX versions', async () => {
    const doc = fixtureJson<Record<string, unknown> & { meta: Record<string, unknown> }>(
      'gx1',
      'validation-result-complete.json',
    );
    doc.statistics = {
      evaluated_expectations: 18,
      successful_expectations: 17,
      unsuccessful_expectations: 1,
      success_percent: 94,
    };
    doc.meta.great_expectations_version = '2.1.0';
    const empty = {
      success: true,
      results: [],
      suite_name: 'empty',
      statistics: {
        evaluated_expectations: 0,
        successful_expectations: 0,
        unsuccessful_expectations: 0,
        success_percent: null,
      },
      meta: {},
    };
    const result = await check({ source: 'mem', tool: GX_TOOL, results: [doc, empty] });
    const rules = result.findings.map((f) => f.ruleId);
    expect(rules).toContain('gx.validation/statistics-mismatch');
    expect(rules).toContain('gx.validation/nothing-evaluated');
    expect(
      result.findings.find((f) => f.ruleId === 'gx.validation/unknown-gx-version')?.severity,
    ).toBe('low');
  });

  it('is incomplete when an item is not GX output or the finding limit is hit', async () => {
    const junk = await check({ source: 'mem', tool: GX_TOOL, results: [{ hello: 'world' }] });
    expect(junk.status).toBe('incomplete');
    expect(junk.incomplete?.[0]).toMatch(
      /results\[0\] is not GX output: .*unknown GX result format/,
    );
    const limited = await check(await nightly(), { maxFindings: 3 });
    expect(limited.findings).toHaveLength(3);
    expect(limited.incomplete?.[0]).toMatch(/more than 3 findings/);
  });

  it('leaves results of other tools alone', async () => {
    const result = await check({ source: 'mem', tool: 'deequ', results: [{}] });
    expect(result.status).toBe('pass');
    expect(result.metrics.ignoredTool).toBe('deequ');
  });
});
