import type { Finding } from '../finding.js';
import type { CheckResult, Report } from '../report.js';
import { SEVERITIES, severityRank } from '../severity.js';
import { formatLocation, plural, statusDetail } from './_report-text.js';
import { xmlOpen, xmlText } from './_xml.js';
import type { Reporter } from './reporter.js';

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

/** JUnit's `timestamp` is an ISO 8601 date-time without a zone (the report's is UTC). */
function timestamp(iso: string): string {
  return iso.slice(0, 19);
}

function findingText(f: Finding): string {
  const lines = [`${f.severity.toUpperCase()} ${f.ruleId}: ${f.message}`];
  if (f.location !== undefined) lines.push(`  at ${formatLocation(f.location)}`);
  if (f.remediation !== undefined) lines.push(`  fix: ${f.remediation}`);
  if (f.suppressed !== undefined) {
    const until = f.suppressed.expires !== undefined ? ` until ${f.suppressed.expires}` : '';
    lines.push(`  suppressed (${f.suppressed.kind}${until}): ${f.suppressed.reason}`);
  }
  return lines.join('\n');
}

function bySeverity(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
}

function countsBySeverity(findings: readonly Finding[]): string {
  return SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
}

function testcase(r: CheckResult): string[] {
  const active = bySeverity(r.findings.filter((f) => f.suppressed === undefined));
  const suppressed = r.findings.filter((f) => f.suppressed !== undefined);
  const lines: string[] = [];
  const body = (parts: string[]) => xmlText(parts.filter((p) => p !== '').join('\n\n'));
  const findingsText = active.map(findingText).join('\n');
  const incomplete = (r.incomplete ?? []).map((reason) => `incomplete: ${reason}`).join('\n');
  let reported = false;
  switch (r.status) {
    case 'fail': {
      const message = `${plural(active.length, 'finding')} (${countsBySeverity(active)})${
        incomplete !== '' ? '; the check also did not finish' : ''
      }`;
      lines.push(
        `      ${xmlOpen('failure', [
          ['message', message],
          ['type', active[0]?.severity ?? 'fail'],
        ])}${body([findingsText, incomplete])}</failure>`,
      );
      reported = true;
      break;
    }
    case 'error': {
      const [message = 'the check failed'] = statusDetail(r);
      lines.push(
        `      ${xmlOpen('error', [
          ['message', message],
          ['type', r.error?.code ?? 'error'],
        ])}${body([message, findingsText])}</error>`,
      );
      reported = true;
      break;
    }
    case 'incomplete': {
      const reasons = r.incomplete ?? [];
      lines.push(
        `      ${xmlOpen('error', [
          ['message', `incomplete: ${reasons.join('; ')}`],
          ['type', 'incomplete'],
        ])}${body([incomplete, findingsText])}</error>`,
      );
      reported = true;
      break;
    }
    case 'skip':
      lines.push(`      ${xmlOpen('skipped', [['message', r.reason ?? 'skipped']], true)}`);
      break;
    case 'pass':
      break;
  }
  const output = [reported ? '' : findingsText, suppressed.map(findingText).join('\n')];
  if (output.some((o) => o !== '')) lines.push(`      <system-out>${body(output)}</system-out>`);
  const open = (selfClosing: boolean) =>
    `    ${xmlOpen(
      'testcase',
      [
        ['classname', r.category],
        ['name', `${r.checkId} - ${r.title}`],
        ['time', seconds(r.durationMs)],
      ],
      selfClosing,
    )}`;
  return lines.length === 0 ? [open(true)] : [open(false), ...lines, '    </testcase>'];
}

/**
 * JUnit XML for CI test tabs: one `<testcase>` per check (classname = category). A failing check
 * carries its findings in `<failure>`; an errored check and a check that did not finish both get
 * `<error>`, so an incomplete scan never shows as passed; skipped checks get `<skipped>`.
 * Findings that did not fail the check and suppressed findings go to `<system-out>`.
 */
export const junitReporter: Reporter = (report: Report, out) => {
  const s = report.summary;
  const counts: Array<[string, string | number]> = [
    ['tests', s.checks],
    ['failures', s.failed],
    ['errors', s.errored + s.incomplete],
    ['skipped', s.skipped],
    ['time', seconds(report.durationMs)],
    ['timestamp', timestamp(report.startedAt)],
  ];
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    xmlOpen('testsuites', [['name', report.tool.name], ...counts]),
    `  ${xmlOpen('testsuite', [['name', report.tool.name], ...counts])}`,
    '    <properties>',
    ...(
      [
        ['verdict', s.verdict],
        ['failOn', report.policy.failOn],
        ['seed', String(report.seed)],
        ['version', report.tool.version],
        ['suppressed', String(s.suppressed)],
        ...(report.notices ?? []).map((n) => ['notice', n] as const),
      ] as const
    ).map(
      ([name, value]) =>
        `      ${xmlOpen(
          'property',
          [
            ['name', `mlwarden.${name}`],
            ['value', value],
          ],
          true,
        )}`,
    ),
    '    </properties>',
    ...report.results.flatMap(testcase),
    '  </testsuite>',
    '</testsuites>',
  ];
  out.write(`${lines.join('\n')}\n`);
};
