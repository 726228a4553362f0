import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { defineCheck } from '../check.js';
import type { CheckResult } from '../report.js';
import { runChecks } from '../run-checks.js';
import { bar, fit, formatCount, formatSeconds } from './_progress-format.js';
import { createProgressRenderer, type ProgressRendererOptions } from './progress-renderer.js';

/** A terminal stand-in: records every write. */
function fakeStream(isTTY: boolean, columns = 100) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns, write: (chunk: string) => writes.push(chunk) } };
}

/** A clock the test moves by hand, and a ticker it fires by hand. */
function manualTime() {
  let t = 0;
  const ticks: Array<() => void> = [];
  let cancelled = 0;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
    every: (tick: () => void) => {
      ticks.push(tick);
      return () => {
        cancelled++;
      };
    },
    tick: () => {
      for (const tick of ticks) tick();
    },
    get cancelled() {
      return cancelled;
    },
  };
}

const meta = (id: string) => ({
  id,
  title: id,
  description: '',
  category: 'drift' as const,
  defaultSeverity: 'low' as const,
  taxonomy: {},
  requires: [],
  options: z.object({}),
});

function result(
  partial: Partial<CheckResult> & Pick<CheckResult, 'checkId' | 'status'>,
): CheckResult {
  return {
    title: partial.checkId,
    category: 'drift',
    durationMs: 1200,
    metrics: {},
    findings: [],
    ...partial,
  };
}

const finding = (severity: 'critical' | 'low') => ({
  checkId: 'artifact.scan',
  ruleId: 'artifact.scan',
  severity,
  message: 'm',
  taxonomy: {},
  fingerprint: severity,
});

const ESC = '\u001b';

function live(extra: Partial<ProgressRendererOptions> = {}) {
  const { writes, stream } = fakeStream(true);
  const time = manualTime();
  const renderer = createProgressRenderer({
    stream,
    now: time.now,
    every: time.every,
    env: {},
    ...extra,
  });
  return { writes, renderer, time };
}

describe('createProgressRenderer on a terminal', () => {
  it('draws a bar with counts, rate and ETA, and redraws it in place', () => {
    const { writes, renderer, time } = live({ checks: 3 });
    expect(renderer.mode).toBe('live');
    renderer.onCheckStart(meta('data.drift'));
    expect(writes).toHaveLength(1);
    expect(writes[0]).toBe('⠋  data.drift  0ms\n0/3 checks done · 1 running · 0ms\n');

    renderer.onProgress({
      checkId: 'data.drift',
      done: 0,
      total: 10_000,
      label: 'reading reference',
    });
    time.advance(1000);
    renderer.onProgress({
      checkId: 'data.drift',
      done: 5000,
      total: 10_000,
      label: 'reading reference',
    });
    const frame = writes.at(-1) ?? '';
    // Erase the two lines drawn before, then draw again.
    expect(frame.startsWith(`\r${ESC}[2A${ESC}[0J`)).toBe(true);
    expect(frame).toContain(`${bar(0.5, 20)}   50%  5k/10k  5k/s  ETA 1.0s  reading reference`);
    expect(frame).toContain('0/3 checks done · 1 running · 1.0s');
  });

  it('redraws at most every 100 ms of its clock on progress, and on every tick', () => {
    const { writes, renderer, time } = live();
    renderer.onCheckStart(meta('robustness.evasion'));
    time.advance(150);
    renderer.onProgress({ checkId: 'robustness.evasion', done: 1, total: 100 });
    const afterFirst = writes.length;
    time.advance(10);
    renderer.onProgress({ checkId: 'robustness.evasion', done: 2, total: 100 });
    time.advance(10);
    renderer.onProgress({ checkId: 'robustness.evasion', done: 3, total: 100 });
    expect(writes).toHaveLength(afterFirst);
    time.tick();
    expect(writes).toHaveLength(afterFirst + 1);
    expect(writes.at(-1)).toContain('3/100');
    time.advance(100);
    renderer.onProgress({ checkId: 'robustness.evasion', done: 4, total: 100 });
    expect(writes).toHaveLength(afterFirst + 2);
  });

  it('prints a summary line for each finished check above the live lines', () => {
    const { writes, renderer } = live();
    renderer.onCheckStart(meta('artifact.scan'));
    renderer.onCheckStart(meta('data.clean'));
    renderer.onCheckEnd(
      result({
        checkId: 'artifact.scan',
        status: 'pass',
        findings: [finding('critical'), finding('low')],
      }),
    );
    const end = writes.at(-1) ?? '';
    expect(end.startsWith(`\r${ESC}[3A${ESC}[0J`)).toBe(true);
    expect(end).toContain(
      `${ESC}[33mfindings${ESC}[0m    artifact.scan: 2 findings (1 critical, 1 low) (1.2s)\n`,
    );
    // Only the check still running is drawn after it.
    expect(end).toContain('data.clean');
    expect(end.split('\n').filter((l) => l.includes('artifact.scan'))).toHaveLength(1);
    expect(end).toContain('1 checks done · 1 running');
  });

  it('cuts long lines to the terminal width and shows control characters in labels', () => {
    const { writes, renderer, time } = live();
    renderer.onCheckStart(meta('artifact.scan'));
    time.advance(100);
    renderer.onProgress({
      checkId: 'artifact.scan',
      done: 3,
      label: `models/${ESC}[2Jevil${'x'.repeat(300)}.pkl`,
    });
    const frame = writes.at(-1) ?? '';
    const lines = frame.slice(frame.lastIndexOf(`${ESC}[0J`) + 4).split('\n');
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(99);
    expect(frame).toContain('models/\\u{1b}[2Jevil');
    expect(frame.replaceAll(`\r${ESC}[2A${ESC}[0J`, '')).not.toContain(ESC);
  });

  it('prints other output without breaking the display, and cleans up on finish', () => {
    const { writes, renderer, time } = live();
    renderer.onCheckStart(meta('data.drift'));
    renderer.print('warn data.drift: column age has 3 NaN values');
    expect(writes.at(-1)).toBe(
      `\r${ESC}[2A${ESC}[0Jwarn data.drift: column age has 3 NaN values\n⠋  data.drift  0ms\n0 checks done · 1 running · 0ms\n`,
    );
    renderer.finish();
    expect(writes.at(-1)).toBe(`\r${ESC}[2A${ESC}[0J`);
    expect(time.cancelled).toBe(1);
    const count = writes.length;
    renderer.onCheckStart(meta('late'));
    renderer.onCheckEnd(result({ checkId: 'late', status: 'pass' }));
    time.tick();
    renderer.finish();
    expect(writes).toHaveLength(count);
  });
});

describe('createProgressRenderer when piped, in CI or quiet', () => {
  const results: CheckResult[] = [
    result({ checkId: 'data.clean', status: 'pass', durationMs: 12 }),
    result({
      checkId: 'deploy.endpoint',
      status: 'error',
      error: { message: 'refused\nby host', code: 'MLW_X' },
    }),
    result({
      checkId: 'privacy.membership',
      status: 'skip',
      reason: 'needs input model, which was not given',
    }),
    result({
      checkId: 'artifact.limits',
      status: 'incomplete',
      incomplete: ['too many members', 'too deep'],
    }),
  ];

  function feed(options: Partial<ProgressRendererOptions>, isTTY: boolean) {
    const { writes, stream } = fakeStream(isTTY);
    const renderer = createProgressRenderer({ stream, ...options });
    for (const r of results) {
      renderer.onCheckStart(meta(r.checkId));
      renderer.onProgress({ checkId: r.checkId, done: 1, total: 2 });
      renderer.onCheckEnd(r);
    }
    renderer.finish();
    return { writes, renderer };
  }

  it('prints one plain line per check when the stream is not a terminal', () => {
    const { writes, renderer } = feed({}, false);
    expect(renderer.mode).toBe('plain');
    expect(writes).toEqual([
      'ok          data.clean (12ms)\n',
      'error       deploy.endpoint: refused by host [MLW_X] (1.2s)\n',
      'skipped     privacy.membership: needs input model, which was not given\n',
      'incomplete  artifact.limits: too many members (+1 more) (1.2s)\n',
    ]);
  });

  it('prints the same plain lines on a terminal when CI is set or TERM is dumb', () => {
    const piped = feed({}, false).writes;
    expect(feed({ env: { CI: 'true' } }, true).writes).toEqual(piped);
    expect(feed({ env: { TERM: 'dumb' } }, true).writes).toEqual(piped);
    expect(feed({ env: { CI: 'false' } }, true).renderer.mode).toBe('live');
  });

  it('prints nothing with quiet, except what it is asked to print', () => {
    const { writes, stream } = fakeStream(true);
    const renderer = createProgressRenderer({ stream, quiet: true });
    expect(renderer.mode).toBe('quiet');
    for (const r of results) {
      renderer.onCheckStart(meta(r.checkId));
      renderer.onProgress({ checkId: r.checkId, done: 1 });
      renderer.onCheckEnd(r);
    }
    expect(writes).toEqual([]);
    renderer.print('error: config not found\n');
    expect(writes).toEqual(['error: config not found\n']);
  });
});

describe('createProgressRenderer with runChecks', () => {
  afterEach(() => vi.restoreAllMocks());

  it('follows a real run on its stream and writes nothing to standard output', async () => {
    const stdout = vi.spyOn(process.stdout, 'write');
    const checks = ['a.one', 'a.two', 'a.three'].map((id) =>
      defineCheck({
        meta: meta(id),
        async run(ctx) {
          for (let i = 0; i <= 4; i++) {
            ctx.progress(i, 4, `step ${i}`);
            await new Promise((resolve) => setImmediate(resolve));
          }
          if (id === 'a.two') ctx.report({ message: 'found', severity: 'low' });
        },
      }),
    );
    for (const isTTY of [true, false]) {
      const { writes, stream } = fakeStream(isTTY);
      const renderer = createProgressRenderer({ stream, checks: checks.length });
      await runChecks({ checks, hooks: renderer, concurrency: 2 });
      renderer.finish();
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing colours is the point
      const text = writes.join('').replace(/\u001b\[\d+m/g, '');
      for (const id of ['a.one', 'a.three']) expect(text).toMatch(new RegExp(`ok +${id} \\(`));
      expect(text).toMatch(/findings +a\.two: 1 finding \(1 low\)/);
      if (!isTTY) expect(writes.join('')).not.toContain(ESC);
    }
    expect(stdout).not.toHaveBeenCalled();
  });
});

describe('progress formatting', () => {
  it('formats durations, counts, bars and widths', () => {
    expect([0.85, 3.45, 65, 7380].map(formatSeconds)).toEqual(['850ms', '3.4s', '1m05s', '2h03m']);
    expect([950, 12_345, 4_500_000, 123_456_789, 1.2e9].map(formatCount)).toEqual([
      '950',
      '12.3k',
      '4.5M',
      '123M',
      '1.2G',
    ]);
    expect(bar(0.25, 8)).toBe('██░░░░░░');
    expect(bar(7, 4)).toBe('████');
    expect(fit('abcdef', 4)).toBe('abc…');
  });
});
