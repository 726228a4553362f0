import type { Category, Json } from './check.js';
import type { Finding } from './finding.js';
import type { InputKind } from './inputs.js';
import type { FailOn, Severity } from './severity.js';

export const REPORT_SCHEMA = 'mlwarden.report/v1';

export type CheckStatus = 'pass' | 'fail' | 'error' | 'skip' | 'incomplete';
export type Verdict = 'pass' | 'fail' | 'error' | 'incomplete';

export interface CheckResult {
  checkId: string;
  title: string;
  category: Category;
  status: CheckStatus;
  durationMs: number;
  metrics: Record<string, Json>;
  findings: Finding[];
  /** Set when status is `error`: what went wrong. */
  error?: { message: string; code?: string; hint?: string };
  /** Set when status is `skip`: why the check did not run. */
  reason?: string;
  /** Every limit the check hit; a result with any is never `pass`. */
  incomplete?: string[];
}

export interface ReportSummary {
  checks: number;
  passed: number;
  failed: number;
  errored: number;
  skipped: number;
  incomplete: number;
  /** Unsuppressed findings by severity. */
  findings: Record<Severity, number>;
  suppressed: number;
  verdict: Verdict;
}

export interface Report {
  schema: typeof REPORT_SCHEMA;
  tool: { name: string; version: string };
  startedAt: string;
  durationMs: number;
  seed: number;
  policy: { failOn: FailOn };
  summary: ReportSummary;
  results: CheckResult[];
  /** Where each input came from (path or URI), by kind. */
  inputs?: Partial<Record<InputKind, string>>;
  /** Things the user should know that are not findings, e.g. an expired suppression. */
  notices?: string[];
}
