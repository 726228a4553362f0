import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { CATEGORIES } from '../src/check.js';
import type { Report } from '../src/report.js';
import { SEVERITIES } from '../src/severity.js';
import { sampleChecks, sampleReport } from './sample-report.js';

const schema = JSON.parse(
  readFileSync(new URL('../schema/report.schema.json', import.meta.url), 'utf8'),
) as { $defs: Record<string, { enum?: string[] }> };
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
addFormats.default(ajv);
const validate = ajv.compile(schema);

function errorsOf(value: unknown): string[] {
  return validate(value)
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

describe('report.schema.json', () => {
  let report: Report;
  beforeAll(async () => {
    report = await sampleReport();
  });

  it('accepts a report with every status, location kind and a suppression', () => {
    expect(new Set(report.results.map((r) => r.status))).toEqual(
      new Set(['pass', 'fail', 'error', 'skip', 'incomplete']),
    );
    expect(errorsOf(report)).toEqual([]);
    // The JSON the json reporter writes is what consumers validate.
    expect(errorsOf(JSON.parse(JSON.stringify(report)))).toEqual([]);
  });

  it('accepts reports with each verdict', async () => {
    const [pickle, integrity, , loader, , limits] = sampleChecks;
    const verdicts = await Promise.all([
      sampleReport([], {}),
      sampleReport([integrity!], {}),
      sampleReport([loader!], {}),
      sampleReport([limits!], {}),
      sampleReport([pickle!], { baseline: { schema: 'mlwarden.baseline/v1', fingerprints: [] } }),
    ]);
    expect(verdicts.map((r) => r.summary.verdict)).toEqual([
      'pass',
      'pass',
      'error',
      'incomplete',
      'fail',
    ]);
    for (const r of verdicts) expect(errorsOf(r)).toEqual([]);
  });

  it('has the same enums as the model', () => {
    expect(schema.$defs.severity?.enum).toEqual([...SEVERITIES]);
    expect(schema.$defs.category?.enum).toEqual([...CATEGORIES]);
  });

  it('rejects a wrong verdict, a missing summary and unknown fields', () => {
    expect(errorsOf({ ...report, summary: { ...report.summary, verdict: 'ok' } })).toEqual([
      '/summary/verdict must be equal to one of the allowed values',
    ]);
    const { summary: _summary, ...noSummary } = report;
    expect(errorsOf(noSummary)).toEqual([" must have required property 'summary'"]);
    expect(errorsOf({ ...report, extra: true })).toEqual([' must NOT have additional properties']);
    const [first, ...rest] = report.results;
    const badFinding = {
      ...first!,
      findings: [{ ...first!.findings[0]!, severity: 'severe', location: { member: 'x' } }],
    };
    expect(errorsOf({ ...report, results: [badFinding, ...rest] })).toEqual(
      expect.arrayContaining([
        '/results/0/findings/0/severity must be equal to one of the allowed values',
        "/results/0/findings/0/location must have required property 'uri'",
      ]),
    );
  });

  it('requires the detail that goes with a status', () => {
    const error = report.results.find((r) => r.status === 'error')!;
    const { error: _e, ...noError } = error;
    expect(errorsOf({ ...report, results: [noError] })).toEqual(
      expect.arrayContaining(["/results/0 must have required property 'error'"]),
    );
    const incomplete = report.results.find((r) => r.status === 'incomplete')!;
    expect(errorsOf({ ...report, results: [{ ...incomplete, status: 'pass' }] })).not.toEqual([]);
  });

  it('leaves metrics and evidence open', () => {
    const [first, ...rest] = report.results;
    const open = {
      ...first!,
      metrics: { nested: { any: [1, 'two', null] } },
      findings: [{ ...first!.findings[0]!, evidence: { anything: { goes: true } } }],
    };
    expect(errorsOf({ ...report, results: [open, ...rest] })).toEqual([]);
  });
});
