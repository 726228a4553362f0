import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type Check, defineCheck } from './check.js';
import { ConfigError } from './errors/config-error.js';
import { MlwardenError } from './errors/mlwarden-error.js';
import type { RunInfo } from './inputs.js';
import { runChecks } from './run-checks.js';

const run: RunInfo = { source: 'test', id: 'r1', params: {}, tags: {} };

function makeCheck(id: string, body: Check['run'], extra: Partial<Check['meta']> = {}): Check {
  return defineCheck({
    meta: {
      id,
      title: `Check ${id}`,
      description: 'test check',
      category: 'data-integrity',
      defaultSeverity: 'medium',
      taxonomy: { owasp: ['ML02'] },
      requires: [],
      options: z.object({}),
      ...extra,
    },
    run: body,
  });
}

const now = () => new Date('2026-01-01T00:00:00Z');

describe('runChecks', () => {
  it('keeps going when a check throws, hangs or lacks inputs, and reports why', async () => {
    const report = await runChecks({
      now,
      checks: [
        makeCheck('t.throws', (ctx) => {
          ctx.report({ message: 'found before the crash', severity: 'low' });
          throw new Error('boom');
        }),
        makeCheck('t.hangs', () => new Promise(() => {}), { timeoutMs: 50 }),
        makeCheck('t.needs-run', () => {}, { requires: ['run', 'dataset'] }),
        makeCheck('t.ok', (ctx) => ctx.metric('rows', 3)),
        makeCheck('t.typed', () => {
          throw new MlwardenError('MLW_INPUT_INVALID', 'the model has no input "x"', {
            hint: 'name the input with --input-name',
          });
        }),
      ],
    });
    const byId = Object.fromEntries(report.results.map((r) => [r.checkId, r]));
    // A typed error keeps its code and its hint: what was wrong and what to do.
    expect(byId['t.typed']?.error).toEqual({
      message: 'the model has no input "x"',
      code: 'MLW_INPUT_INVALID',
      hint: 'name the input with --input-name',
    });
    expect(byId['t.throws']?.error).not.toHaveProperty('hint');
    expect(byId['t.throws']?.status).toBe('error');
    expect(byId['t.throws']?.error?.message).toBe('boom');
    expect(byId['t.throws']?.findings.map((f) => f.message)).toEqual(['found before the crash']);
    expect(byId['t.hangs']?.status).toBe('error');
    expect(byId['t.hangs']?.error).toMatchObject({ code: 'MLW_CHECK_TIMEOUT' });
    expect(byId['t.hangs']?.error?.message).toContain('timed out after 50 ms');
    expect(byId['t.needs-run']?.status).toBe('skip');
    expect(byId['t.needs-run']?.reason).toBe('needs inputs run, dataset, which were not given');
    expect(byId['t.ok']).toMatchObject({ status: 'pass', metrics: { rows: 3 } });
    expect(report.summary).toMatchObject({
      checks: 5,
      passed: 1,
      errored: 3,
      skipped: 1,
      verdict: 'error',
    });
    expect(report.results.map((r) => r.checkId)).toEqual([
      't.throws',
      't.hangs',
      't.needs-run',
      't.ok',
      't.typed',
    ]);
  });

  it('hands declared inputs to the check and fills finding fields', async () => {
    const report = await runChecks({
      now,
      inputs: { run },
      checks: [
        makeCheck(
          't.run',
          (ctx) => {
            ctx.report({
              rule: 'leak',
              message: `run ${ctx.inputs.run?.id}`,
              severity: 'high',
              location: { uri: 'mlflow-run:r1', field: 'params.key' },
              taxonomy: { atlas: ['AML.T0020'] },
              key: 'k1',
            });
          },
          { requires: ['run'] },
        ),
      ],
    });
    const [finding] = report.results[0]?.findings ?? [];
    expect(finding).toMatchObject({
      checkId: 't.run',
      ruleId: 't.run/leak',
      severity: 'high',
      message: 'run r1',
      taxonomy: { owasp: ['ML02'], atlas: ['AML.T0020'] },
    });
    expect(finding?.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(report.inputs).toEqual({ run: 'test' });
    expect(report.summary.verdict).toBe('fail');
    expect(report.results[0]?.status).toBe('fail');
  });

  it('marks a check that hit a limit incomplete, never pass', async () => {
    const report = await runChecks({
      now,
      checks: [makeCheck('t.limit', (ctx) => ctx.incomplete('scan stopped at 10 MiB'))],
    });
    expect(report.results[0]).toMatchObject({
      status: 'incomplete',
      incomplete: ['scan stopped at 10 MiB'],
    });
    expect(report.summary.verdict).toBe('incomplete');
  });

  it('lets a check skip itself when its inputs do not apply', async () => {
    const report = await runChecks({
      now,
      checks: [makeCheck('t.na', (ctx) => ctx.skip('the model is not a live endpoint'))],
    });
    expect(report.results[0]).toMatchObject({
      status: 'skip',
      reason: 'the model is not a live endpoint',
    });
    expect(report.summary).toMatchObject({ skipped: 1, verdict: 'pass' });
  });

  it('applies a severity override from settings to every finding', async () => {
    const report = await runChecks({
      now,
      checks: [makeCheck('t.sev', (ctx) => ctx.report({ message: 'x', severity: 'critical' }))],
      settings: { 't.sev': { severity: 'low' } },
    });
    expect(report.results[0]?.findings[0]?.severity).toBe('low');
    expect(report.summary.verdict).toBe('pass');
  });

  it('validates options with the check schema and names the key', async () => {
    const check = defineCheck({
      meta: {
        id: 't.opts',
        title: 'opts',
        description: 'd',
        category: 'drift',
        defaultSeverity: 'low',
        taxonomy: {},
        requires: [],
        options: z.object({ threshold: z.number().default(0.1) }),
      },
      run: (ctx) => ctx.metric('threshold', ctx.options.threshold),
    });
    const ok = await runChecks({ now, checks: [check] });
    expect(ok.results[0]?.metrics).toEqual({ threshold: 0.1 });
    const err = await runChecks({
      now,
      checks: [check],
      settings: { 't.opts': { options: { threshold: 'high' } } },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain('checks.t.opts.options.threshold');
  });

  it('rejects settings for an unknown check, naming the known ones', async () => {
    const err = await runChecks({
      checks: [makeCheck('t.a', () => {})],
      settings: { 't.b': { enabled: false } },
    }).catch((e: unknown) => e);
    expect(MlwardenError.isInstance(err) && err.code).toBe('MLW_CHECK_UNKNOWN');
    expect((err as MlwardenError).hint).toContain('t.a');
  });

  it('rejects two checks with one id', async () => {
    const err = await runChecks({
      checks: [makeCheck('t.a', () => {}), makeCheck('t.a', () => {})],
    }).catch((e: unknown) => e);
    expect(MlwardenError.isInstance(err) && err.code).toBe('MLW_PLUGIN_INVALID');
  });

  it('leaves disabled checks out', async () => {
    const report = await runChecks({
      checks: [makeCheck('t.a', () => {}), makeCheck('t.b', () => {})],
      settings: { 't.b': { enabled: false } },
    });
    expect(report.results.map((r) => r.checkId)).toEqual(['t.a']);
  });

  it('never runs more checks at once than the concurrency limit', async () => {
    let running = 0;
    let peak = 0;
    const slow = (id: string) =>
      makeCheck(id, async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 10));
        running--;
      });
    const report = await runChecks({ checks: ['a', 'b', 'c', 'd', 'e'].map(slow), concurrency: 2 });
    expect(peak).toBe(2);
    expect(report.summary.passed).toBe(5);
  });

  it('aborts running checks when the caller aborts', async () => {
    const controller = new AbortController();
    let sawAbort = false;
    const promise = runChecks({
      signal: controller.signal,
      checks: [
        makeCheck(
          't.long',
          (ctx) =>
            new Promise<void>((resolve) => {
              ctx.signal.addEventListener('abort', () => {
                sawAbort = true;
                resolve();
              });
            }),
        ),
      ],
    });
    setTimeout(() => controller.abort(new Error('user cancelled')), 10);
    const report = await promise;
    expect(sawAbort).toBe(true);
    expect(report.results[0]).toMatchObject({
      status: 'error',
      error: { message: 'user cancelled' },
    });
  });

  it('ignores findings reported after a check timed out', async () => {
    let late: (() => void) | undefined;
    const report = await runChecks({
      checks: [
        makeCheck(
          't.late',
          (ctx) =>
            new Promise(() => {
              late = () => ctx.report({ message: 'too late' });
            }),
          { timeoutMs: 20 },
        ),
      ],
    });
    late?.();
    expect(report.results[0]?.findings).toEqual([]);
  });

  it('redacts secrets from messages, evidence, metrics and errors', async () => {
    const key = 'AKIAABCDEFGHIJKLMNOP';
    const report = await runChecks({
      secrets: ['hunter2-password'],
      checks: [
        makeCheck('t.secret', (ctx) => {
          ctx.report({
            message: `key ${key}`,
            evidence: { raw: key, nested: ['hunter2-password'] },
          });
          ctx.metric('token', 'Bearer abcdefghijklmnop');
          throw new Error('login with hunter2-password failed');
        }),
      ],
    });
    const text = JSON.stringify(report);
    expect(text).not.toContain(key);
    expect(text).not.toContain('hunter2-password');
    expect(text).not.toContain('abcdefghijklmnop');
    expect(text).toContain('[REDACTED]');
  });

  it('gives the same report for the same inputs and seed', async () => {
    const check = makeCheck('t.seeded', (ctx) => ctx.report({ message: `seed ${ctx.seed}` }));
    const a = await runChecks({ now, checks: [check], seed: 7 });
    const b = await runChecks({ now, checks: [check], seed: 7 });
    const strip = (r: typeof a) =>
      JSON.stringify({
        ...r,
        durationMs: 0,
        results: r.results.map((x) => ({ ...x, durationMs: 0 })),
      });
    expect(strip(a)).toBe(strip(b));
    expect(a.seed).toBe(7);
    expect(a.results[0]?.findings[0]?.message).toBe('seed 7');
  });
});
