import { AssertionError } from 'node:assert';
import { isDeepStrictEqual } from 'node:util';
import type { Check } from '../check.js';
import type { Finding, Location } from '../finding.js';
import type { Inputs } from '../inputs.js';
import type { CheckResult, CheckStatus } from '../report.js';
import { runChecks } from '../run-checks.js';
import type { FailOn, Severity } from '../severity.js';

export interface CheckTestCase {
  inputs?: Inputs;
  /** Raw options, validated by the check's schema exactly as configuration would be. */
  options?: unknown;
  seed?: number;
  timeoutMs?: number;
  /** Threshold that turns findings into `fail`. Default `info`: any finding fails. */
  failOn?: FailOn;
}

export interface ExpectedFinding {
  /** Sub-rule name (`rule` in FindingInput) or full rule id. */
  rule?: string;
  severity?: Severity;
  /** A substring of the message, or a pattern it must match. */
  message?: string | RegExp;
  /** Fields the finding's location must have, compared with deep equality. */
  location?: Partial<Location>;
}

export interface CheckExpectation {
  status?: CheckStatus;
  /** Every finding, in reporting order; the count must match exactly. */
  findings?: ExpectedFinding[];
  /** Metrics that must be present with these values (deep equality); others are ignored. */
  metrics?: Record<string, unknown>;
}

function describeFinding(f: Finding): string {
  return `${f.ruleId} [${f.severity}] ${f.message}`;
}

function mismatch(expected: ExpectedFinding, actual: Finding, checkId: string): string | undefined {
  if (expected.rule !== undefined) {
    const want =
      expected.rule.includes('/') || expected.rule === checkId
        ? expected.rule
        : `${checkId}/${expected.rule}`;
    if (actual.ruleId !== want) return `rule is ${actual.ruleId}, expected ${want}`;
  }
  if (expected.severity !== undefined && actual.severity !== expected.severity) {
    return `severity is ${actual.severity}, expected ${expected.severity}`;
  }
  if (expected.message !== undefined) {
    const ok =
      typeof expected.message === 'string'
        ? actual.message.includes(expected.message)
        : expected.message.test(actual.message);
    if (!ok) return `message "${actual.message}" does not match ${String(expected.message)}`;
  }
  for (const [key, value] of Object.entries(expected.location ?? {})) {
    const got = actual.location?.[key as keyof Location];
    if (!isDeepStrictEqual(got, value)) {
      return `location.${key} is ${JSON.stringify(got)}, expected ${JSON.stringify(value)}`;
    }
  }
  return undefined;
}

/**
 * Runs one check the way the runner does (option validation, timeout, skip on missing inputs)
 * and asserts on its result. For plugin authors and mlwarden's own tests.
 */
export class CheckTester<O = unknown> {
  constructor(readonly check: Check<O>) {}

  /** Runs the check and returns its result. */
  async run(testCase: CheckTestCase = {}): Promise<CheckResult> {
    const report = await runChecks({
      checks: [this.check],
      ...(testCase.inputs !== undefined && { inputs: testCase.inputs }),
      settings: {
        [this.check.meta.id]: {
          options: testCase.options,
          ...(testCase.timeoutMs !== undefined && { timeoutMs: testCase.timeoutMs }),
        },
      },
      policy: { failOn: testCase.failOn ?? 'info' },
      seed: testCase.seed ?? 1,
    });
    return report.results[0] as CheckResult;
  }

  /** Runs the check and throws an AssertionError describing every difference from `expected`. */
  async expect(testCase: CheckTestCase, expected: CheckExpectation): Promise<CheckResult> {
    const result = await this.run(testCase);
    const problems: string[] = [];
    if (expected.status !== undefined && result.status !== expected.status) {
      const why = result.error?.message ?? result.reason ?? result.incomplete?.join('; ');
      problems.push(
        `status is ${result.status}${why ? ` (${why})` : ''}, expected ${expected.status}`,
      );
    }
    if (expected.findings !== undefined) {
      if (result.findings.length !== expected.findings.length) {
        problems.push(
          `${result.findings.length} findings, expected ${expected.findings.length}:\n${result.findings.map((f) => `    ${describeFinding(f)}`).join('\n')}`,
        );
      } else {
        expected.findings.forEach((want, i) => {
          const got = result.findings[i] as Finding;
          const problem = mismatch(want, got, this.check.meta.id);
          if (problem !== undefined)
            problems.push(`finding ${i} (${describeFinding(got)}): ${problem}`);
        });
      }
    }
    for (const [name, value] of Object.entries(expected.metrics ?? {})) {
      if (!isDeepStrictEqual(result.metrics[name], value)) {
        problems.push(
          `metric ${name} is ${JSON.stringify(result.metrics[name])}, expected ${JSON.stringify(value)}`,
        );
      }
    }
    if (problems.length > 0) {
      throw new AssertionError({
        message: `check ${this.check.meta.id}:\n  - ${problems.join('\n  - ')}`,
      });
    }
    return result;
  }
}
