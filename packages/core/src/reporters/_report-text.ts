import type { Finding, Location } from '../finding.js';
import type { CheckResult, CheckStatus, Report } from '../report.js';
import { SEVERITIES, type Severity } from '../severity.js';

/** A finding together with the check result it belongs to. */
export interface FindingEntry {
  result: CheckResult;
  finding: Finding;
}

/** Unsuppressed findings grouped by severity (critical first), and the suppressed ones. */
export interface GroupedFindings {
  bySeverity: ReadonlyArray<{ severity: Severity; entries: FindingEntry[] }>;
  suppressed: FindingEntry[];
}

/** Groups a report's findings; within a group the report's own order is kept. */
export function groupFindings(report: Report): GroupedFindings {
  const groups = new Map<Severity, FindingEntry[]>(SEVERITIES.map((s) => [s, []]));
  const suppressed: FindingEntry[] = [];
  for (const result of report.results) {
    for (const finding of result.findings) {
      if (finding.suppressed !== undefined) suppressed.push({ result, finding });
      else groups.get(finding.severity)?.push({ result, finding });
    }
  }
  return {
    bySeverity: SEVERITIES.map((severity) => ({ severity, entries: groups.get(severity) ?? [] })),
    suppressed,
  };
}

/** Control characters (but tab and newline) and bidirectional overrides (Trojan Source). */
const UNSAFE_CHARS =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Makes text from findings safe to show: control characters and bidirectional overrides (which
 * could move a terminal's cursor or reorder what a reader sees) become visible `\u{…}` escapes.
 */
export function visible(text: string): string {
  return text.replace(
    UNSAFE_CHARS,
    (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16).padStart(2, '0')}}`,
  );
}

const MAX_ROWS_SHOWN = 5;

/** One line describing a location: `uri:line, member m, offset n, column c, rows …`. */
export function formatLocation(location: Location): string {
  const parts = [location.line !== undefined ? `${location.uri}:${location.line}` : location.uri];
  if (location.member !== undefined) parts.push(`member ${location.member}`);
  if (location.offset !== undefined) parts.push(`offset ${location.offset}`);
  if (location.column !== undefined) parts.push(`column ${location.column}`);
  if (location.rows !== undefined && location.rows.length > 0) {
    const shown = location.rows.slice(0, MAX_ROWS_SHOWN).join(', ');
    const more = location.rows.length - MAX_ROWS_SHOWN;
    parts.push(`rows ${shown}${more > 0 ? ` (+${more} more)` : ''}`);
  }
  if (location.resource !== undefined) parts.push(`resource ${location.resource}`);
  if (location.field !== undefined) parts.push(`field ${location.field}`);
  return parts.join(', ');
}

/** `1 finding`, `2 findings`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** What a non-passing check has to say about itself: error message, skip reason, limits hit. */
export function statusDetail(result: CheckResult): string[] {
  switch (result.status) {
    case 'error':
      return [
        `${result.error?.message ?? 'the check failed without a message'}${
          result.error?.code !== undefined ? ` [${result.error.code}]` : ''
        }`,
        ...(result.error?.hint !== undefined ? [`hint: ${result.error.hint}`] : []),
      ];
    case 'skip':
      return [result.reason ?? 'skipped'];
    default:
      return result.incomplete ?? [];
  }
}

/** Counts of check statuses in words, e.g. `2 passed, 1 failed, 1 errored`. */
export function statusCounts(report: Report): string {
  const s = report.summary;
  const parts: Array<[number, string]> = [
    [s.passed, 'passed'],
    [s.failed, 'failed'],
    [s.errored, 'errored'],
    [s.skipped, 'skipped'],
    [s.incomplete, 'incomplete'],
  ];
  return parts.map(([n, word]) => `${n} ${word}`).join(', ');
}

/** Statuses in the order reporters list them: problems first. */
export const STATUS_ORDER: readonly CheckStatus[] = ['fail', 'error', 'incomplete', 'skip', 'pass'];
