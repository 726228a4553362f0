import { beforeAll, describe, expect, it } from 'vitest';
import { sampleCheckInfo, sampleReport } from '../../test/sample-report.js';
import type { Report } from '../report.js';
import { consoleReporter } from './console-reporter.js';
import { renderReport } from './reporter.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC is what an ANSI sequence starts with
const ANSI = /\u001b\[[0-9;]*m/;

describe('consoleReporter', () => {
  let report: Report;
  let plain: string;
  beforeAll(async () => {
    report = await sampleReport();
    plain = await renderReport(consoleReporter, report, { checks: sampleCheckInfo, color: false });
  });

  it('writes no escape sequences without colour, and colours when asked', async () => {
    expect(plain).not.toContain('\u001b');
    const colored = await renderReport(consoleReporter, report, { color: true });
    expect(colored).toMatch(ANSI);
    // Colour only wraps text: stripping it gives the plain output back.
    expect(colored.replace(new RegExp(ANSI.source, 'g'), '')).toBe(plain);
  });

  it('groups findings by severity, critical first, with location and remediation', () => {
    const headings = [...plain.matchAll(/^(CRITICAL|HIGH|MEDIUM|LOW|INFO|SUPPRESSED) - /gm)].map(
      (m) => m[1],
    );
    expect(headings).toEqual(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO', 'SUPPRESSED']);
    const critical = plain.slice(plain.indexOf('CRITICAL'), plain.indexOf('HIGH -'));
    expect(critical).toContain('artifact.pickle/dangerous-import');
    expect(critical).toContain('at models/model.zip, member archive/data.pkl, offset 120');
    expect(critical).toContain('fix: Do not load the file');
    expect(plain).toContain('at data/train.csv:4, column age, rows 3, 5');
    expect(plain).toContain(
      'at k8s/seldon.yaml:12, resource SeldonDeployment/iris, field spec.predictors[0].replicas',
    );
  });

  it('lists errored, skipped and incomplete checks with their reasons, and notices', () => {
    expect(plain).toMatch(/error {7}model\.loader +cannot parse header/);
    expect(plain).toMatch(/skip {8}data\.drift +needs inputs dataset, reference/);
    expect(plain).toMatch(/incomplete {2}artifact\.limits +archive has more than 10000 members/);
    expect(plain).toContain('Suppression expired on 2025-06-01');
    expect(plain).toContain('suppressed: high, config: The sidecar needs it');
  });

  it('makes control characters in findings visible instead of passing them to the terminal', () => {
    expect(plain).toContain('\\u{1b}[31mred\\u{1b}[0m');
    expect(plain).toContain('got \\u{00}\\u{01} bytes');
  });

  it('ends with a summary line of counts, statuses, suppressed and verdict', () => {
    const last = plain.trimEnd().split('\n').at(-1);
    expect(last).toBe(
      'Findings: critical 1, high 1, medium 2, low 3, info 2; 1 suppressed | Checks: 7 (3 passed, 1 failed, 1 errored, 1 skipped, 1 incomplete) | Verdict: FAIL',
    );
  });

  it('says so when there is nothing to report', async () => {
    const clean = await sampleReport([], {});
    const text = await renderReport(consoleReporter, clean, {});
    expect(text).toContain('No findings.');
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/Verdict: PASS$/);
  });
});
