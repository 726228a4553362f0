import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { sampleReport } from '../../test/sample-report.js';
import type { Report } from '../report.js';
import { junitReporter } from './junit-reporter.js';
import { renderReport } from './reporter.js';

interface Element {
  [key: string]: unknown;
  '#text'?: string;
}
interface Testcase extends Element {
  classname: string;
  name: string;
  time: string;
  failure?: Element;
  error?: Element;
  skipped?: Element;
  'system-out'?: string;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  htmlEntities: true,
  parseAttributeValue: false,
  parseTagValue: false,
  isArray: (name) => name === 'testcase' || name === 'property',
});

describe('junitReporter', () => {
  let report: Report;
  let xml: string;
  let suite: Element & { testcase: Testcase[] };
  beforeAll(async () => {
    report = await sampleReport();
    xml = await renderReport(junitReporter, report, {});
    suite = parser.parse(xml).testsuites.testsuite;
  });
  const testcase = (checkId: string) =>
    suite.testcase.find((t) => t.name.startsWith(`${checkId} - `)) as Testcase;

  it('is well-formed XML with one testcase per check', () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(suite.testcase).toHaveLength(report.results.length);
    expect(suite.testcase.map((t) => t.name)).toEqual(
      report.results.map((r) => `${r.checkId} - ${r.title}`),
    );
    expect(suite.testcase.map((t) => t.classname)).toEqual(report.results.map((r) => r.category));
  });

  it('maps statuses: fail to failure, error and incomplete to error, skip to skipped', () => {
    const kind = (t: Testcase) =>
      t.failure !== undefined
        ? 'failure'
        : t.error !== undefined
          ? 'error'
          : t.skipped !== undefined
            ? 'skipped'
            : 'passed';
    const expected = {
      pass: 'passed',
      fail: 'failure',
      error: 'error',
      incomplete: 'error',
      skip: 'skipped',
    };
    expect(suite.testcase.map(kind)).toEqual(report.results.map((r) => expected[r.status]));
    expect(testcase('artifact.limits').error).toMatchObject({
      type: 'incomplete',
      message: 'incomplete: archive has more than 10000 members; scanned the first 10000',
    });
    expect(testcase('data.drift').skipped).toMatchObject({
      message: 'needs inputs dataset, reference, which were not given',
    });
  });

  it('puts the findings of a failing check into its failure', () => {
    const failure = testcase('artifact.pickle').failure;
    expect(failure?.message).toBe('3 findings (1 critical, 1 high, 1 medium)');
    expect(failure?.type).toBe('critical');
    expect(failure?.['#text']).toContain(
      'CRITICAL artifact.pickle/dangerous-import: Pickle imports os.system',
    );
    expect(failure?.['#text']).toContain(
      'at models/model.zip, member archive/data.pkl, offset 120',
    );
  });

  it('counts tests, failures, errors and skips on the suite', () => {
    expect(suite).toMatchObject({
      tests: '7',
      failures: '1',
      errors: '2',
      skipped: '1',
      time: '0.000',
      timestamp: '2026-01-01T00:00:00',
    });
  });

  it('escapes markup and drops characters XML 1.0 forbids', () => {
    const error = testcase('model.loader').error;
    expect(error?.message).toBe('cannot parse header: got  bytes, <expected> "MLW" & more');
    const out = testcase('data.integrity')['system-out'];
    expect(out).toContain('holds <script>alert(1)</script> & [31mred[0m text');
    const controls = [...xml].filter((c) => c < ' ' && c !== '\t' && c !== '\n' && c !== '\r');
    expect(controls).toEqual([]);
  });

  it('keeps findings that did not fail the check and suppressed ones in system-out', () => {
    const out = testcase('deploy.manifest')['system-out'];
    expect(out).toContain('LOW deploy.manifest: Only one replica serves the model');
    expect(out).toContain('suppressed (config until 2027-01-01): The sidecar needs it');
  });
});
