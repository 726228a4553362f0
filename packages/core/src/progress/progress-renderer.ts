import type { CheckMeta } from '../check.js';
import type { CheckResult } from '../report.js';
import type { ProgressEvent, RunHooks } from '../run-checks.js';
import { bar, fit, formatCount, formatSeconds, oneLine, summaryLine } from './_progress-format.js';

/** Where progress goes: standard error, never standard output. */
export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  /** Terminal width; 80 when unknown. */
  columns?: number;
}

export interface ProgressRendererOptions {
  stream: ProgressStream;
  /** Draw live bars; defaults to `stream.isTTY`. Never live when `CI` is set or TERM is dumb. */
  isTTY?: boolean;
  /** Environment, for `CI`, `TERM`, `NO_COLOR` and `FORCE_COLOR`. Default: none set. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Print nothing about checks (`print` still writes). */
  quiet?: boolean;
  /** Number of checks that will run, for `3 of 8 checks`; unknown when omitted. */
  checks?: number;
  /** Milliseconds clock; `performance.now` by default. */
  now?: () => number;
  /**
   * Calls `tick` every `ms` until the returned function is called; a `setInterval` that does not
   * keep the process alive by default. The live display redraws on it (elapsed time, spinner).
   */
  every?: (tick: () => void, ms: number) => () => void;
}

/** Run hooks that draw progress, plus `print` for other output and `finish` to clean up. */
export interface ProgressRenderer extends Required<RunHooks> {
  /** `live`: bars redrawn in place; `plain`: one line per finished check; `quiet`: nothing. */
  readonly mode: 'live' | 'plain' | 'quiet';
  /** Writes text (e.g. a log line) without breaking the live display. */
  print(text: string): void;
  /** Removes the live display and stops redrawing; later hook calls are ignored. Idempotent. */
  finish(): void;
}

/** Fastest redraw on progress events (ms); the ticker redraws at the same pace. */
const REDRAW_MS = 100;
const BAR_WIDTH = 20;
const SPINNER = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';
const MIN_RATE_WINDOW_MS = 500;

const COLORS: Record<string, string> = {
  ok: '32',
  findings: '33',
  error: '31',
  skipped: '2',
  incomplete: '33',
};

interface Active {
  id: string;
  started: number;
  done: number;
  total?: number;
  label?: string;
  /** Where the rate is measured from; reset when the total changes or the count goes back. */
  base?: { at: number; done: number };
}

function envFlag(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}

function defaultEvery(tick: () => void, ms: number): () => void {
  const timer = setInterval(tick, ms);
  timer.unref?.();
  return () => clearInterval(timer);
}

/**
 * A progress display for `runChecks` hooks. On a terminal (and not in CI) it draws one line per
 * running check — spinner, bar, counts, rate, ETA and the check's label — plus a footer, and
 * redraws them in place with ANSI escapes at most every 100 ms; finished checks scroll up as one
 * summary line each. Otherwise (piped, `CI` set, `TERM=dumb`) it prints only the summary lines,
 * and with `quiet` nothing. It writes to the given stream only — pass standard error, so nothing
 * mixes into a report on standard output.
 */
export function createProgressRenderer(options: ProgressRendererOptions): ProgressRenderer {
  const { stream } = options;
  const env = options.env ?? {};
  const now = options.now ?? (() => performance.now());
  const live = (options.isTTY ?? stream.isTTY === true) && !envFlag(env.CI) && env.TERM !== 'dumb';
  const mode = options.quiet === true ? 'quiet' : live ? 'live' : 'plain';
  const color =
    mode === 'live' ? !envFlag(env.NO_COLOR) || envFlag(env.FORCE_COLOR) : envFlag(env.FORCE_COLOR);
  const active = new Map<string, Active>();
  const startedAt = now();
  let finished = 0;
  let drawn = 0;
  let lastDraw = Number.NEGATIVE_INFINITY;
  let closed = false;
  let stopTicker: (() => void) | undefined;

  const paint = (word: string) =>
    color && COLORS[word] !== undefined ? `\u001b[${COLORS[word]}m${word}\u001b[0m` : word;

  const erase = () => {
    const out = drawn > 0 ? `\r\u001b[${drawn}A\u001b[0J` : '';
    drawn = 0;
    return out;
  };

  const activeLine = (a: Active, t: number, width: number) => {
    const spin = SPINNER[Math.floor(t / REDRAW_MS) % SPINNER.length] as string;
    const parts = [spin, a.id];
    const rate =
      a.base !== undefined && t - a.base.at >= MIN_RATE_WINDOW_MS
        ? ((a.done - a.base.done) * 1000) / (t - a.base.at)
        : undefined;
    if (a.total !== undefined && a.total > 0) {
      const fraction = a.done / a.total;
      parts.push(
        bar(fraction, BAR_WIDTH),
        `${String(Math.floor(Math.min(1, fraction) * 100)).padStart(3)}%`,
        `${formatCount(a.done)}/${formatCount(a.total)}`,
      );
    } else if (a.base !== undefined) {
      parts.push(formatCount(a.done));
    }
    if (rate !== undefined) parts.push(`${formatCount(rate)}/s`);
    if (rate !== undefined && rate > 0 && a.total !== undefined && a.done < a.total) {
      parts.push(`ETA ${formatSeconds((a.total - a.done) / rate)}`);
    } else {
      parts.push(formatSeconds((t - a.started) / 1000));
    }
    if (a.label !== undefined && a.label !== '') parts.push(a.label);
    return fit(parts.join('  '), width);
  };

  /** Erases what was drawn, writes `above` (finished checks, printed text), draws again: one write. */
  const draw = (above = '') => {
    if (mode !== 'live' || closed) return;
    const t = now();
    const width = Math.max(20, (stream.columns ?? 80) - 1);
    const lines = [...active.values()].map((a) => activeLine(a, t, width));
    const done = options.checks !== undefined ? `${finished}/${options.checks}` : `${finished}`;
    const elapsed = formatSeconds((t - startedAt) / 1000);
    lines.push(fit(`${done} checks done · ${active.size} running · ${elapsed}`, width));
    stream.write(`${erase()}${above}${lines.join('\n')}\n`);
    drawn = lines.length;
    lastDraw = t;
  };

  const ensureTicker = () => {
    if (mode === 'live' && stopTicker === undefined && !closed) {
      stopTicker = (options.every ?? defaultEvery)(() => {
        if (active.size > 0) draw();
      }, REDRAW_MS);
    }
  };

  return {
    mode,
    onCheckStart(meta: CheckMeta) {
      if (closed || mode !== 'live') return;
      active.set(meta.id, { id: oneLine(meta.id, 80), started: now(), done: 0 });
      ensureTicker();
      draw();
    },
    onProgress(event: ProgressEvent) {
      if (closed || mode !== 'live') return;
      const a = active.get(event.checkId);
      if (a === undefined) return;
      const t = now();
      if (a.base === undefined || event.total !== a.total || event.done < a.done) {
        a.base = { at: t, done: event.done };
      }
      a.done = event.done;
      if (event.total !== undefined) a.total = event.total;
      else delete a.total;
      if (event.label !== undefined) a.label = oneLine(event.label, 120);
      if (t - lastDraw >= REDRAW_MS) draw();
    },
    onCheckEnd(result: Readonly<CheckResult>) {
      if (closed || mode === 'quiet') return;
      active.delete(result.checkId);
      finished++;
      const { word, rest } = summaryLine(result);
      const line = `${paint(word)}${' '.repeat(Math.max(2, 12 - word.length))}${rest}\n`;
      if (mode === 'plain') stream.write(line);
      else draw(line);
    },
    print(text: string) {
      if (mode !== 'live' || closed || drawn === 0) {
        stream.write(text);
        return;
      }
      draw(text.endsWith('\n') ? text : `${text}\n`);
    },
    finish() {
      if (closed) return;
      stopTicker?.();
      if (mode === 'live' && drawn > 0) stream.write(erase());
      closed = true;
    },
  };
}
