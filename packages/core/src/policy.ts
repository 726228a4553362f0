import { ConfigError } from './errors/config-error.js';
import type { Finding, Suppression } from './finding.js';
import type { CheckResult, CheckStatus, Report, ReportSummary, Verdict } from './report.js';
import { type FailOn, meetsThreshold, SEVERITIES, type Severity } from './severity.js';

/** Hides matching findings from counts and verdict; they stay in the report, marked. */
export interface SuppressionRule {
  /** Check id, `*` wildcards allowed. */
  checkId?: string;
  /** Rule id, `*` wildcards allowed. */
  ruleId?: string;
  fingerprint?: string;
  /** Glob on the finding's location URI (`*` within a segment, `**` across). */
  path?: string;
  /** Why this is acceptable. Required. */
  reason: string;
  /** `YYYY-MM-DD`; from that day on the suppression no longer applies. */
  expires?: string;
}

export const BASELINE_SCHEMA = 'mlwarden.baseline/v1';

/** Fingerprints of accepted findings: only findings not in it count. */
export interface Baseline {
  schema: typeof BASELINE_SCHEMA;
  fingerprints: string[];
}

export interface Policy {
  /** Lowest severity that fails the run; `never` to report only. Default `high`. */
  failOn?: FailOn;
  suppressions?: readonly SuppressionRule[];
  baseline?: Baseline;
}

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*' && glob[i + 1] === '*') {
      source += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

function matcher(rule: SuppressionRule): (f: Finding) => boolean {
  const tests: Array<(f: Finding) => boolean> = [];
  if (rule.checkId !== undefined) {
    const re = globToRegExp(rule.checkId);
    tests.push((f) => re.test(f.checkId));
  }
  if (rule.ruleId !== undefined) {
    const re = globToRegExp(rule.ruleId);
    tests.push((f) => re.test(f.ruleId));
  }
  if (rule.fingerprint !== undefined) {
    const fp = rule.fingerprint;
    tests.push((f) => f.fingerprint === fp);
  }
  if (rule.path !== undefined) {
    const re = globToRegExp(rule.path);
    tests.push((f) => f.location !== undefined && re.test(f.location.uri));
  }
  return (f) => tests.every((t) => t(f));
}

/** Checks a suppression rule's shape; throws a ConfigError naming what is wrong. */
export function validateSuppression(rule: SuppressionRule, where: string): void {
  const hasMatcher = ['checkId', 'ruleId', 'fingerprint', 'path'].some(
    (k) => rule[k as keyof SuppressionRule] !== undefined,
  );
  if (!hasMatcher) {
    throw new ConfigError(
      `${where} matches nothing: give at least one of checkId, ruleId, fingerprint, path`,
    );
  }
  if (typeof rule.reason !== 'string' || rule.reason.trim() === '') {
    throw new ConfigError(`${where}.reason is required: say why the finding is acceptable`);
  }
  if (rule.expires !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(rule.expires)) {
    throw new ConfigError(`${where}.expires must be a date YYYY-MM-DD, got "${rule.expires}"`);
  }
}

function rawStatus(result: CheckResult): CheckStatus {
  if (result.status === 'error' || result.status === 'skip') return result.status;
  return (result.incomplete?.length ?? 0) > 0 ? 'incomplete' : 'pass';
}

/**
 * Applies a policy to a report: marks suppressed and baselined findings, sets each result's
 * status (`fail` when an unsuppressed finding meets `failOn`) and recomputes the summary and
 * verdict. Idempotent: earlier suppressions are recomputed from scratch.
 */
export function applyPolicy(report: Report, policy: Policy = {}, now: Date = new Date()): Report {
  const failOn = policy.failOn ?? 'high';
  const today = now.toISOString().slice(0, 10);
  const notices = (report.notices ?? []).filter((n) => !n.startsWith('Suppression expired'));
  const active: Array<{ rule: SuppressionRule; test: (f: Finding) => boolean }> = [];
  (policy.suppressions ?? []).forEach((rule, i) => {
    validateSuppression(rule, `policy.suppressions[${i}]`);
    if (rule.expires !== undefined && rule.expires <= today) {
      notices.push(
        `Suppression expired on ${rule.expires} and no longer applies: policy.suppressions[${i}] (${rule.reason})`,
      );
    } else {
      active.push({ rule, test: matcher(rule) });
    }
  });
  const baseline = new Set(policy.baseline?.fingerprints ?? []);

  const suppressionFor = (f: Finding): Suppression | undefined => {
    const hit = active.find((a) => a.test(f));
    if (hit !== undefined) {
      return {
        kind: 'config',
        reason: hit.rule.reason,
        ...(hit.rule.expires !== undefined && { expires: hit.rule.expires }),
      };
    }
    if (baseline.has(f.fingerprint)) return { kind: 'baseline', reason: 'present in the baseline' };
    return undefined;
  };

  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  let suppressed = 0;
  let anyFailing = false;
  const results = report.results.map((result): CheckResult => {
    let failing = false;
    const findings = result.findings.map((f): Finding => {
      const { suppressed: _previous, ...bare } = f;
      const suppression = suppressionFor(bare);
      if (suppression !== undefined) {
        suppressed++;
        return { ...bare, suppressed: suppression };
      }
      counts[bare.severity]++;
      if (meetsThreshold(bare.severity, failOn)) failing = true;
      return bare;
    });
    anyFailing ||= failing;
    const base = rawStatus(result);
    const status: CheckStatus = failing && base !== 'error' ? 'fail' : base;
    return { ...result, status, findings };
  });

  const count = (s: CheckStatus) => results.filter((r) => r.status === s).length;
  const errored = count('error');
  const incomplete = count('incomplete');
  const verdict: Verdict = anyFailing
    ? 'fail'
    : errored > 0
      ? 'error'
      : incomplete > 0
        ? 'incomplete'
        : 'pass';
  const summary: ReportSummary = {
    checks: results.length,
    passed: count('pass'),
    failed: count('fail'),
    errored,
    skipped: count('skip'),
    incomplete,
    findings: counts,
    suppressed,
    verdict,
  };
  const { notices: _old, ...rest } = report;
  return {
    ...rest,
    policy: { failOn },
    summary,
    results,
    ...(notices.length > 0 && { notices }),
  };
}

/** A baseline that accepts every unsuppressed finding of `report`. */
export function createBaseline(report: Report): Baseline {
  const fingerprints = new Set<string>();
  for (const r of report.results) {
    for (const f of r.findings)
      if (f.suppressed?.kind !== 'config') fingerprints.add(f.fingerprint);
  }
  return { schema: BASELINE_SCHEMA, fingerprints: [...fingerprints].sort() };
}

/** Validates parsed baseline JSON; `source` names the file in errors. */
export function parseBaseline(value: unknown, source: string): Baseline {
  const v = value as Partial<Baseline> | null;
  if (
    v === null ||
    typeof v !== 'object' ||
    v.schema !== BASELINE_SCHEMA ||
    !Array.isArray(v.fingerprints) ||
    !v.fingerprints.every((f) => typeof f === 'string')
  ) {
    throw new ConfigError(
      `${source} is not a baseline: expected {"schema": "${BASELINE_SCHEMA}", "fingerprints": [...]}`,
      { hint: 'create one with `mlwarden run --write-baseline <file>`' },
    );
  }
  return { schema: BASELINE_SCHEMA, fingerprints: [...v.fingerprints] };
}
