import type { Finding } from '../finding.js';
import type { CheckStatus, Verdict } from '../report.js';
import { SEVERITIES, type Severity } from '../severity.js';
import {
  type FindingEntry,
  formatLocation,
  groupFindings,
  plural,
  statusCounts,
  statusDetail,
  visible,
} from './_report-text.js';
import type { Reporter } from './reporter.js';

type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'magenta' | 'cyan';

const SGR: Record<Style, string> = {
  bold: '1',
  dim: '2',
  red: '31',
  green: '32',
  yellow: '33',
  magenta: '35',
  cyan: '36',
};

const SEVERITY_STYLE: Record<Severity, Style[]> = {
  critical: ['bold', 'magenta'],
  high: ['bold', 'red'],
  medium: ['yellow'],
  low: ['cyan'],
  info: ['dim'],
};

const VERDICT_STYLE: Record<Verdict, Style[]> = {
  pass: ['bold', 'green'],
  fail: ['bold', 'red'],
  error: ['bold', 'red'],
  incomplete: ['bold', 'yellow'],
};

const STATUS_STYLE: Record<CheckStatus, Style[]> = {
  pass: ['green'],
  fail: ['red'],
  error: ['red'],
  skip: ['dim'],
  incomplete: ['yellow'],
};

/** Indents every line after the first, so multi-line messages stay inside their block. */
function indentRest(text: string, indent: string): string {
  return text.replace(/\r?\n/g, `\n${indent}`);
}

/**
 * Human-readable text for a terminal: findings grouped by severity (critical first) with their
 * locations and remediation, suppressed findings, checks that errored, were skipped or did not
 * finish, notices, and a one-line summary. ANSI colour only when `options.color` is true. Text that
 * came from findings has control characters made visible, so an artifact cannot drive the terminal.
 */
export const consoleReporter: Reporter = (report, out, options) => {
  const paint = (text: string, styles: Style[]): string =>
    options.color === true && styles.length > 0
      ? `\u001b[${styles.map((s) => SGR[s]).join(';')}m${text}\u001b[0m`
      : text;
  const lines: string[] = [];
  const { summary } = report;

  lines.push(
    `${paint(`${report.tool.name} ${report.tool.version}`, ['bold'])} - ${plural(summary.checks, 'check')}, fail on ${report.policy.failOn}, seed ${report.seed}, started ${report.startedAt}`,
  );

  const findingLines = (entry: FindingEntry, label: string[]): void => {
    const f: Finding = entry.finding;
    lines.push(`  ${paint(f.ruleId, ['bold'])}  ${indentRest(visible(f.message), '    ')}`);
    if (f.location !== undefined) {
      lines.push(`    ${paint('at', ['dim'])} ${visible(formatLocation(f.location))}`);
    }
    if (f.remediation !== undefined) {
      lines.push(
        `    ${paint('fix:', ['dim'])} ${indentRest(visible(f.remediation), '         ')}`,
      );
    }
    lines.push(...label);
  };

  const grouped = groupFindings(report);
  for (const { severity, entries } of grouped.bySeverity) {
    if (entries.length === 0) continue;
    lines.push(
      '',
      paint(
        `${severity.toUpperCase()} - ${plural(entries.length, 'finding')}`,
        SEVERITY_STYLE[severity],
      ),
    );
    for (const entry of entries) findingLines(entry, []);
  }
  if (grouped.suppressed.length > 0) {
    lines.push('', paint(`SUPPRESSED - ${plural(grouped.suppressed.length, 'finding')}`, ['dim']));
    for (const entry of grouped.suppressed) {
      const s = entry.finding.suppressed;
      const until = s?.expires !== undefined ? `, until ${s.expires}` : '';
      findingLines(entry, [
        `    ${paint('suppressed:', ['dim'])} ${entry.finding.severity}, ${s?.kind ?? 'config'}: ${visible(s?.reason ?? '')}${until}`,
      ]);
    }
  }
  if (grouped.bySeverity.every((g) => g.entries.length === 0) && grouped.suppressed.length === 0) {
    lines.push('', 'No findings.');
  }

  const unusual = report.results.filter(
    (r) => r.status === 'error' || r.status === 'skip' || r.status === 'incomplete',
  );
  const incompleteFailures = report.results.filter(
    (r) => r.status === 'fail' && (r.incomplete?.length ?? 0) > 0,
  );
  if (unusual.length > 0 || incompleteFailures.length > 0) {
    lines.push('', paint('CHECKS', ['bold']));
    const width = Math.max(...report.results.map((r) => r.checkId.length));
    for (const r of [...unusual, ...incompleteFailures]) {
      const details =
        r.status === 'fail' ? (r.incomplete ?? []).map((d) => `incomplete: ${d}`) : statusDetail(r);
      const head = `  ${paint(r.status.padEnd(10), STATUS_STYLE[r.status])}  ${r.checkId.padEnd(width)}  `;
      const [first = '', ...rest] = details;
      lines.push(`${head}${indentRest(visible(first), '    ')}`);
      for (const more of rest)
        lines.push(`${' '.repeat(16 + width)}${indentRest(visible(more), '    ')}`);
    }
  }

  if (report.notices !== undefined && report.notices.length > 0) {
    lines.push('', paint('NOTICES', ['bold']));
    for (const notice of report.notices) lines.push(`  ${indentRest(visible(notice), '    ')}`);
  }

  const counts = SEVERITIES.map((s) =>
    paint(`${s} ${summary.findings[s]}`, summary.findings[s] > 0 ? SEVERITY_STYLE[s] : []),
  ).join(', ');
  lines.push(
    '',
    `Findings: ${counts}; ${summary.suppressed} suppressed | Checks: ${summary.checks} (${statusCounts(report)}) | Verdict: ${paint(summary.verdict.toUpperCase(), VERDICT_STYLE[summary.verdict])}`,
  );
  out.write(`${lines.join('\n')}\n`);
};
