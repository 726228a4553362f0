import type { CheckStatus, Verdict } from '../report.js';
import { SEVERITIES, type Severity } from '../severity.js';
import { describeTaxonomyId } from '../taxonomy.js';
import { checkDocsUrl } from './_links.js';
import {
  type FindingEntry,
  formatLocation,
  groupFindings,
  plural,
  statusDetail,
  visible,
} from './_report-text.js';
import type { Reporter } from './reporter.js';

/** Findings shown per severity before the rest fold into `<details>`. */
const SHOWN_PER_SEVERITY = 10;
/** Findings listed per severity at most; beyond that only a count (PR comments are limited). */
const LISTED_PER_SEVERITY = 60;

const VERDICT_MARK: Record<Verdict, string> = {
  pass: '✅ pass',
  fail: '❌ fail',
  error: '⛔ error',
  incomplete: '⚠️ incomplete',
};

const STATUS_MARK: Record<CheckStatus, string> = {
  pass: '✅ pass',
  fail: '❌ fail',
  error: '⛔ error',
  skip: '⏭️ skip',
  incomplete: '⚠️ incomplete',
};

const SEVERITY_MARK: Record<Severity, string> = {
  critical: '🟣 Critical',
  high: '🔴 High',
  medium: '🟠 Medium',
  low: '🟡 Low',
  info: '🔵 Info',
};

/**
 * Escapes text from findings for Markdown: HTML becomes entities, Markdown punctuation is
 * backslash-escaped, control characters are made visible and newlines become `<br>`, so a message
 * can neither inject markup nor break a table row or list item.
 */
export function escapeMarkdown(text: string): string {
  return visible(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~]/g, '\\$&')
    .replace(/\r?\n/g, '<br>');
}

/**
 * Inline code for identifiers, with a fence longer than any backtick run inside. In a table cell
 * pipes are escaped (GitHub's tables split on them even inside code).
 */
function code(text: string, inTable = false): string {
  const flat = visible(text).replace(/\r?\n/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${inTable ? flat.replace(/\|/g, '\\|') : flat}${pad}${fence}`;
}

function taxonomyLinks(entry: FindingEntry): string {
  const ids = [...(entry.finding.taxonomy.atlas ?? []), ...(entry.finding.taxonomy.owasp ?? [])];
  return ids
    .map((id) => {
      const t = describeTaxonomyId(id);
      return `[${escapeMarkdown(`${t.id} ${t.name}`)}](${encodeURI(t.url)})`;
    })
    .join(', ');
}

function findingItem(entry: FindingEntry): string {
  const f = entry.finding;
  const lines = [`- ${code(f.ruleId)}: ${escapeMarkdown(f.message)}`];
  if (f.location !== undefined)
    lines.push(`  - Location: ${escapeMarkdown(formatLocation(f.location))}`);
  if (f.remediation !== undefined) lines.push(`  - Remediation: ${escapeMarkdown(f.remediation)}`);
  const taxa = taxonomyLinks(entry);
  if (taxa !== '') lines.push(`  - Threats: ${taxa}`);
  if (f.suppressed !== undefined) {
    const until = f.suppressed.expires !== undefined ? `, until ${f.suppressed.expires}` : '';
    lines.push(
      `  - Suppressed (${f.suppressed.kind}${until}): ${escapeMarkdown(f.suppressed.reason)}`,
    );
  }
  return lines.join('\n');
}

function findingList(entries: readonly FindingEntry[], label: string): string[] {
  const shown = entries.slice(0, SHOWN_PER_SEVERITY);
  const folded = entries.slice(SHOWN_PER_SEVERITY, LISTED_PER_SEVERITY);
  const omitted = entries.length - shown.length - folded.length;
  const lines = shown.map(findingItem);
  if (folded.length > 0) {
    lines.push(
      '',
      `<details><summary>${plural(folded.length, `more ${label} finding`)}</summary>`,
      '',
      ...folded.map(findingItem),
      '',
      '</details>',
    );
  }
  if (omitted > 0) {
    lines.push(
      '',
      `_${plural(omitted, `further ${label} finding`)} not listed; see the JSON report._`,
    );
  }
  return lines;
}

/**
 * Markdown for pull-request comments and MLflow: a title with the verdict, a table of findings by
 * severity, a table of checks with their status, then the findings grouped by severity with
 * location, remediation and links to MITRE ATLAS / OWASP ML Top 10 (long groups fold into
 * `<details>`). Every piece of text from a finding is escaped.
 */
export const markdownReporter: Reporter = (report, out, options) => {
  const { summary } = report;
  const docs = new Map((options.checks ?? []).map((c) => [c.id, checkDocsUrl(c)]));
  const lines: string[] = [
    `## ${escapeMarkdown(report.tool.name)}: ${VERDICT_MARK[summary.verdict]}`,
    '',
    `${plural(summary.checks, 'check')} run by ${escapeMarkdown(`${report.tool.name} ${report.tool.version}`)} at ${escapeMarkdown(report.startedAt)}; findings of severity ${report.policy.failOn === 'never' ? 'any (never fails)' : `${report.policy.failOn} or above`} fail the run.`,
    '',
    '| Severity | Findings |',
    '| --- | ---: |',
    ...SEVERITIES.map((s) => `| ${SEVERITY_MARK[s]} | ${summary.findings[s]} |`),
    `| Suppressed | ${summary.suppressed} |`,
    '',
    '### Checks',
    '',
    '| Check | Category | Status | Findings | Details |',
    '| --- | --- | --- | ---: | --- |',
  ];
  for (const r of report.results) {
    const url = docs.get(r.checkId);
    const id = url !== undefined ? `[${code(r.checkId, true)}](${url})` : code(r.checkId, true);
    const active = r.findings.filter((f) => f.suppressed === undefined).length;
    const details =
      r.status === 'pass' || r.status === 'fail'
        ? (r.incomplete ?? []).map((d) => `incomplete: ${d}`)
        : statusDetail(r);
    lines.push(
      `| ${id} ${escapeMarkdown(r.title)} | ${r.category} | ${STATUS_MARK[r.status]} | ${active} | ${details.map(escapeMarkdown).join('<br>')} |`,
    );
  }

  const grouped = groupFindings(report);
  const any = grouped.bySeverity.some((g) => g.entries.length > 0) || grouped.suppressed.length > 0;
  lines.push('', '### Findings', '');
  if (!any) lines.push('No findings.');
  for (const { severity, entries } of grouped.bySeverity) {
    if (entries.length === 0) continue;
    lines.push(`#### ${SEVERITY_MARK[severity]} (${entries.length})`, '');
    lines.push(...findingList(entries, severity), '');
  }
  if (grouped.suppressed.length > 0) {
    lines.push(
      `<details><summary>${plural(grouped.suppressed.length, 'suppressed finding')}</summary>`,
      '',
      ...grouped.suppressed.slice(0, LISTED_PER_SEVERITY).map(findingItem),
      '',
      '</details>',
      '',
    );
  }
  if (report.notices !== undefined && report.notices.length > 0) {
    lines.push('### Notices', '', ...report.notices.map((n) => `- ${escapeMarkdown(n)}`), '');
  }
  out.write(`${lines.join('\n').trimEnd()}\n`);
};
