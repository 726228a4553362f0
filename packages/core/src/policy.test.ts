import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors/config-error.js';
import type { Finding } from './finding.js';
import { applyPolicy, createBaseline, parseBaseline } from './policy.js';
import type { CheckResult, Report } from './report.js';

function finding(over: Partial<Finding>): Finding {
  return {
    checkId: 'artifact.scan',
    ruleId: 'artifact.scan/dangerous-import',
    severity: 'high',
    message: 'm',
    taxonomy: {},
    fingerprint: 'fp-1',
    ...over,
  };
}

function report(results: Partial<CheckResult>[]): Report {
  return {
    schema: 'mlwarden.report/v1',
    tool: { name: 'mlwarden', version: '0.0.0' },
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1,
    seed: 1,
    policy: { failOn: 'high' },
    summary: {
      checks: 0,
      passed: 0,
      failed: 0,
      errored: 0,
      skipped: 0,
      incomplete: 0,
      findings: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
      suppressed: 0,
      verdict: 'pass',
    },
    results: results.map((r) => ({
      checkId: 'artifact.scan',
      title: 't',
      category: 'supply-chain',
      status: 'pass',
      durationMs: 0,
      metrics: {},
      findings: [],
      ...r,
    })),
  };
}

const today = new Date('2026-06-01T00:00:00Z');

describe('applyPolicy', () => {
  it('fails on findings at or above failOn and passes below it', () => {
    const r = report([{ findings: [finding({ severity: 'medium' })] }]);
    expect(applyPolicy(r, { failOn: 'high' }, today).summary.verdict).toBe('pass');
    expect(applyPolicy(r, { failOn: 'medium' }, today).summary.verdict).toBe('fail');
    expect(applyPolicy(r, { failOn: 'never' }, today).summary.verdict).toBe('pass');
    expect(applyPolicy(r, { failOn: 'medium' }, today).summary.findings.medium).toBe(1);
  });

  it('suppresses by rule and path glob, with reason, and keeps the finding marked', () => {
    const r = report([
      {
        findings: [
          finding({ location: { uri: 'models/a/model.pkl' } }),
          finding({ fingerprint: 'fp-2', location: { uri: 'other/b.pkl' } }),
        ],
      },
    ]);
    const out = applyPolicy(
      r,
      { suppressions: [{ ruleId: 'artifact.*/dangerous-*', path: 'models/**', reason: 'vetted' }] },
      today,
    );
    const [a, b] = out.results[0]?.findings ?? [];
    expect(a?.suppressed).toEqual({ kind: 'config', reason: 'vetted' });
    expect(b?.suppressed).toBeUndefined();
    expect(out.summary).toMatchObject({ suppressed: 1, verdict: 'fail', findings: { high: 1 } });
  });

  it('stops applying an expired suppression and says so', () => {
    const r = report([{ findings: [finding({})] }]);
    const out = applyPolicy(
      r,
      { suppressions: [{ fingerprint: 'fp-1', reason: 'temporary', expires: '2026-05-31' }] },
      today,
    );
    expect(out.summary.verdict).toBe('fail');
    expect(out.notices?.[0]).toContain('expired on 2026-05-31');
    const live = applyPolicy(
      r,
      { suppressions: [{ fingerprint: 'fp-1', reason: 'temporary', expires: '2026-06-02' }] },
      today,
    );
    expect(live.summary.verdict).toBe('pass');
    expect(live.notices).toBeUndefined();
  });

  it('rejects a suppression without a matcher or reason', () => {
    expect(() => applyPolicy(report([]), { suppressions: [{ reason: 'x' }] }, today)).toThrow(
      ConfigError,
    );
    expect(() =>
      applyPolicy(report([]), { suppressions: [{ checkId: 'a', reason: ' ' }] }, today),
    ).toThrow(/reason is required/);
  });

  it('accepts baselined findings and fails on new ones', () => {
    const first = applyPolicy(report([{ findings: [finding({})] }]), {}, today);
    const baseline = createBaseline(first);
    expect(baseline.fingerprints).toEqual(['fp-1']);
    const next = report([
      { findings: [finding({}), finding({ fingerprint: 'fp-new', severity: 'critical' })] },
    ]);
    const out = applyPolicy(next, { baseline }, today);
    expect(out.results[0]?.findings[0]?.suppressed?.kind).toBe('baseline');
    expect(out.summary).toMatchObject({
      verdict: 'fail',
      findings: { critical: 1, high: 0 },
      suppressed: 1,
    });
    expect(
      applyPolicy(report([{ findings: [finding({})] }]), { baseline }, today).summary.verdict,
    ).toBe('pass');
  });

  it('is idempotent and never turns incomplete or error into pass', () => {
    const r = report([
      { status: 'incomplete', incomplete: ['limit'] },
      { checkId: 'b', status: 'error', error: { message: 'x' } },
    ]);
    const once = applyPolicy(r, {}, today);
    expect(once.results.map((x) => x.status)).toEqual(['incomplete', 'error']);
    expect(once.summary.verdict).toBe('error');
    expect(applyPolicy(once, {}, today)).toEqual(once);
    expect(
      applyPolicy(report([{ status: 'incomplete', incomplete: ['l'] }]), {}, today).summary.verdict,
    ).toBe('incomplete');
  });

  it('validates baseline files', () => {
    expect(() => parseBaseline({ fingerprints: [1] }, 'b.json')).toThrow(
      /b.json is not a baseline/,
    );
    expect(
      parseBaseline({ schema: 'mlwarden.baseline/v1', fingerprints: ['a'] }, 'b.json').fingerprints,
    ).toEqual(['a']);
  });
});
