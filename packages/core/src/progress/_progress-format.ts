import type { CheckResult } from '../report.js';
import { visible } from '../reporters/_report-text.js';
import { SEVERITIES } from '../severity.js';

/** `850ms`, `3.4s`, `1m05s`, `2h03m`: short enough for a progress line. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  if (seconds < 10) return `${(Math.floor(seconds * 10) / 10).toFixed(1)}s`;
  if (seconds < 60) return `${Math.floor(seconds)}s`;
  const s = Math.floor(seconds);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** `950`, `12.3k`, `4.5M`, `1.2G`. */
export function formatCount(n: number): string {
  const abs = Math.abs(n);
  if (abs < 1000) return String(Math.round(n * 100) / 100);
  const units: Array<[number, string]> = [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, unit] of units) {
    if (abs >= size) {
      const v = n / size;
      return `${v >= 100 ? Math.round(v) : Math.round(v * 10) / 10}${unit}`;
    }
  }
  return String(n);
}

/** A bar of `width` cells filled to `fraction` (0…1). */
export function bar(fraction: number, width: number): string {
  const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  const filled = Math.round(f * width);
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
}

/**
 * Cuts text to `width` terminal cells (one per code point; wide characters are rare in check ids
 * and labels) with an ellipsis, so a line never wraps and redrawing in place stays exact.
 */
export function fit(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  return `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

/** Text from a check (ids, labels, error messages) made safe for a terminal, on one line. */
export function oneLine(text: string, max = 200): string {
  return fit(visible(text.replace(/\r?\n/g, ' ')), max);
}

/**
 * What a finished check did, as a word: `ok`, `findings`, `error`, `skipped` or `incomplete`.
 * (Whether findings fail the run is decided by the policy after every check has ended.)
 */
export function outcome(result: Readonly<CheckResult>): string {
  switch (result.status) {
    case 'error':
      return 'error';
    case 'skip':
      return 'skipped';
    case 'incomplete':
      return 'incomplete';
    default:
      return result.findings.length > 0 ? 'findings' : 'ok';
  }
}

/** `3 findings (1 critical, 2 low)`. */
function findingCounts(result: Readonly<CheckResult>): string | undefined {
  const n = result.findings.length;
  if (n === 0) return undefined;
  const parts = SEVERITIES.flatMap((s) => {
    const count = result.findings.filter((f) => f.severity === s).length;
    return count > 0 ? [`${count} ${s}`] : [];
  });
  return `${n} finding${n === 1 ? '' : 's'} (${parts.join(', ')})`;
}

/** One line about a finished check: outcome, id, findings, error/skip reason or limits, time. */
export function summaryLine(result: Readonly<CheckResult>): { word: string; rest: string } {
  const details: string[] = [];
  const counts = findingCounts(result);
  if (counts !== undefined) details.push(counts);
  if (result.status === 'error') {
    const code = result.error?.code !== undefined ? ` [${result.error.code}]` : '';
    details.push(oneLine(`${result.error?.message ?? 'failed without a message'}${code}`));
  } else if (result.status === 'skip') {
    details.push(oneLine(result.reason ?? 'skipped'));
  }
  const limits = result.incomplete ?? [];
  if (limits.length > 0) {
    details.push(
      oneLine(`${limits[0]}${limits.length > 1 ? ` (+${limits.length - 1} more)` : ''}`),
    );
  }
  const time = result.status === 'skip' ? '' : ` (${formatSeconds(result.durationMs / 1000)})`;
  return {
    word: outcome(result),
    rest: `${oneLine(result.checkId, 80)}${details.length > 0 ? `: ${details.join('; ')}` : ''}${time}`,
  };
}
