/**
 * Drift benchmark: `data.drift` on two Arrow IPC files (8 float64 columns and one dictionary
 * column of 50 values, 10M rows each by default) against a numpy/scipy implementation of the same
 * metrics, measured in the same run.
 *
 *   npm run bench -w @mlwarden/checks -- [--rows 10000000] [--modes exact,sketch] [--no-python]
 *                                       [--scipy-functions] [--repeat 1] [--evidently]
 *                                       [--no-e2e] [--cold]
 *
 * End to end (default; `--no-e2e` skips it): wall-clock time from process start to report written
 * of `mlwarden data drift` (the built CLI) and of the numpy/scipy baseline script, beside a plain
 * sequential read of the bytes of both files in a fresh process. `--cold` evicts both files from
 * the page cache before each end-to-end measurement (posix_fadvise), as on a first run.
 *
 * The baseline sorts each column once with numpy and computes KS, Wasserstein and PSI from one
 * merge, with SciPy's formulas (`drift_baseline.py`); its values equal SciPy's functions for more
 * than 10 000 rows per file. `--scipy-functions` also times the SciPy functions called the usual
 * way (`ks_2samp`, `wasserstein_distance`), which sort again inside each call.
 *
 * The files come from the data layer's generator (packages/core/bench/generate-data.mjs), written
 * to <repo>/.bench-data (git-ignored) and reused.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CheckResult, openArrowIpcDataset, runChecks } from '@mlwarden/core';
import { dataDriftCheck } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');

interface Args {
  rows: number;
  modes: ('exact' | 'sketch')[];
  python: boolean;
  evidently: boolean;
  scipyFunctions: boolean;
  repeat: number;
  e2e: boolean;
  cold: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    rows: 10_000_000,
    modes: ['exact', 'sketch'],
    python: true,
    evidently: false,
    scipyFunctions: false,
    repeat: 1,
    e2e: true,
    cold: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--rows') args.rows = Number(value);
    else if (flag === '--modes') args.modes = String(value).split(',') as Args['modes'];
    else if (flag === '--repeat') args.repeat = Number(value);
    else if (flag === '--no-python') {
      args.python = false;
      continue;
    } else if (flag === '--scipy-functions') {
      args.scipyFunctions = true;
      continue;
    } else if (flag === '--no-e2e') {
      args.e2e = false;
      continue;
    } else if (flag === '--cold') {
      args.cold = true;
      continue;
    } else if (flag === '--evidently') {
      args.evidently = true;
      continue;
    } else throw new Error(`unknown flag ${flag}; see the comment at the top of drift-bench.ts`);
    i++;
  }
  if (!Number.isInteger(args.rows) || args.rows < 1)
    throw new Error('--rows must be a positive integer');
  return args;
}

async function runMlwarden(reference: string, current: string, mode: 'exact' | 'sketch') {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const report = await runChecks({
    checks: [dataDriftCheck],
    inputs: {
      reference: await openArrowIpcDataset(reference, 'arrow-file'),
      dataset: await openArrowIpcDataset(current, 'arrow-file'),
    },
    settings: { 'data.drift': { options: { mode } } },
    timeoutMs: 3_600_000,
  });
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const result = report.results[0] as CheckResult;
  if (result.status === 'error') throw new Error(`data.drift failed: ${result.error?.message}`);
  return { seconds, cpuSeconds: (used.user + used.system) / 1e6, metrics: result.metrics };
}

function pythonOf(name: string): string {
  const venv = execFileSync(join(repo, 'scripts/py-venv'), [name], { encoding: 'utf8' }).trim();
  return join(venv, 'bin/python');
}

function runPython(script: string, venv: string, files: string[]) {
  const out = spawnSync(pythonOf(venv), [join(here, script), ...files], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (out.status !== 0) throw new Error(`${script} failed:\n${out.stderr}`);
  return JSON.parse(out.stdout) as {
    seconds: number;
    cpuSeconds: number;
    columns: Record<string, Record<string, number>>;
  };
}

type Metrics = Record<string, unknown>;

/** Largest relative difference between mlwarden's and the baseline's values, per metric. */
function compare(metrics: Metrics, baseline: Record<string, Record<string, number>>) {
  const columns = metrics.columns as Record<string, Metrics>;
  const worst: Record<string, number> = {};
  const rel = (a: number, b: number) =>
    a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
  for (const [name, values] of Object.entries(baseline)) {
    const m = columns[name];
    if (m === undefined) continue;
    const ours: Record<string, number> =
      m.kind === 'numeric'
        ? {
            ks_statistic: (m.ks as Metrics).statistic as number,
            ks_pvalue: (m.ks as Metrics).pValue as number,
            wasserstein: m.wasserstein as number,
            psi: m.psi as number,
          }
        : {
            chi2_statistic: (m.chi2 as Metrics).statistic as number,
            chi2_pvalue: (m.chi2 as Metrics).pValue as number,
            jensenshannon: m.jensenShannon as number,
          };
    for (const [key, value] of Object.entries(ours)) {
      const want = values[key];
      if (want === undefined) continue;
      worst[key] = Math.max(worst[key] ?? 0, rel(value, want));
    }
  }
  return worst;
}

/** Drops a file from the page cache, so the next read comes from disk. */
function evict(file: string): void {
  execFileSync('python3', [
    '-c',
    'import os,sys; fd=os.open(sys.argv[1], os.O_RDONLY); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED); os.close(fd)',
    file,
  ]);
}

interface Timed {
  wall: number;
  /** User + system CPU seconds and peak RSS of the process, where GNU time is available. */
  cpu?: number;
  rssMB?: number;
}

const GNU_TIME = '/usr/bin/time';

/** Runs a command to completion and measures it from process start to exit. */
function timed(command: string, argv: string[]): Timed {
  const withTime = existsSync(GNU_TIME);
  const started = performance.now();
  const out = withTime
    ? spawnSync(GNU_TIME, ['-f', 'TIMED %U %S %M', command, ...argv], { encoding: 'utf8' })
    : spawnSync(command, argv, { encoding: 'utf8' });
  const wall = (performance.now() - started) / 1000;
  if (out.status !== 0 && out.status !== 1) {
    throw new Error(`${command} ${argv.join(' ')} failed (${out.status}):\n${out.stderr}`);
  }
  const line = /TIMED ([\d.]+) ([\d.]+) (\d+)/.exec(out.stderr ?? '');
  if (line === null) return { wall };
  return {
    wall,
    cpu: Number(line[1]) + Number(line[2]),
    rssMB: Number(line[3]) / 1024,
  };
}

/** A fresh Node process that reads both files front to back through one 8 MiB buffer. */
const READ_SCRIPT = `const fs=require('node:fs');const b=Buffer.allocUnsafe(8<<20);let t=0;for(const f of process.argv.slice(1)){const fd=fs.openSync(f,'r');for(;;){const n=fs.readSync(fd,b,0,b.length,null);if(n===0)break;t+=n;}fs.closeSync(fd);}`;

function endToEnd(args: Args, reference: string, current: string) {
  const cli = join(repo, 'packages/cli/bin.js');
  if (!existsSync(join(repo, 'packages/cli/dist/main.js'))) {
    throw new Error('the end-to-end measurement runs the built CLI: run `npm run build` first');
  }
  const files = [reference, current];
  const prepare = () => {
    if (args.cold) for (const f of files) evict(f);
  };
  const out = mkdtempSync(join(tmpdir(), 'mlwarden-drift-bench-'));
  const rows: [string, Timed][] = [];
  try {
    for (let r = 0; r < args.repeat; r++) {
      prepare();
      rows.push([
        'plain read of both files (bytes, fresh process)',
        timed(process.execPath, ['-e', READ_SCRIPT, ...files]),
      ]);
      if (args.python) {
        prepare();
        rows.push([
          'numpy/scipy baseline script (baseline)',
          timed(pythonOf('scipy'), [join(here, 'drift_baseline.py'), ...files, 'fast']),
        ]);
      }
      for (const mode of args.modes) {
        prepare();
        const report = join(out, `${mode}.json`);
        rows.push([
          `mlwarden data drift --mode ${mode === 'sketch' ? 'auto' : mode}`,
          timed(process.execPath, [
            cli,
            'data',
            'drift',
            '--reference',
            reference,
            '--current',
            current,
            '--mode',
            mode === 'sketch' ? 'auto' : mode,
            '--quiet',
            '--format',
            'json',
            '--output',
            `json=${report}`,
          ]),
        ]);
      }
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  const median = (name: string, pick: (t: Timed) => number | undefined) => {
    const xs = rows
      .filter(([n]) => n === name)
      .map(([, t]) => pick(t))
      .filter((x): x is number => x !== undefined)
      .sort((a, b) => a - b);
    return xs.length === 0 ? undefined : xs[xs.length >> 1];
  };
  const names = [...new Set(rows.map(([n]) => n))];
  const baseline = median('numpy/scipy baseline script (baseline)', (t) => t.wall);
  const read = median(names[0] as string, (t) => t.wall) as number;
  console.log(
    `\nEnd to end, process start to report written (${cpus().length} cores, ${args.cold ? 'cold' : 'warm'} page cache, median of ${args.repeat}):`,
  );
  console.log(
    '| process | wall s | CPU s | peak RSS MB | vs baseline (wall) | x plain read |\n|---|---:|---:|---:|---:|---:|',
  );
  for (const name of names) {
    const wall = median(name, (t) => t.wall) as number;
    const cpu = median(name, (t) => t.cpu);
    const rss = median(name, (t) => t.rssMB);
    console.log(
      `| ${name} | ${wall.toFixed(2)} | ${cpu?.toFixed(2) ?? '—'} | ${rss?.toFixed(0) ?? '—'} | ${baseline === undefined || name === names[0] ? '' : `${(baseline / wall).toFixed(2)}x`} | ${(wall / read).toFixed(2)} |`,
    );
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const generatorPath = join(repo, 'packages/core/bench/generate-data.mjs');
  const generator = (await import(generatorPath)) as {
    generateFile(o: { kind: string; rows: number }): Promise<string>;
  };
  const reference = await generator.generateFile({ kind: 'reference', rows: args.rows });
  const current = await generator.generateFile({ kind: 'current', rows: args.rows });
  console.log(`files: ${reference}\n       ${current}`);
  const rows: [string, number, number, string][] = [];
  let baseline: ReturnType<typeof runPython> | undefined;
  if (args.python) {
    for (let r = 0; r < args.repeat; r++) {
      const run = runPython('drift_baseline.py', 'scipy', [reference, current, 'fast']);
      rows.push(['numpy/scipy, one sort per column (baseline)', run.seconds, run.cpuSeconds, '']);
      baseline = run;
      if (args.scipyFunctions) {
        const slow = runPython('drift_baseline.py', 'scipy', [reference, current, 'scipy']);
        rows.push([
          'SciPy functions (ks_2samp, wasserstein_distance)',
          slow.seconds,
          slow.cpuSeconds,
          '',
        ]);
      }
    }
  }
  for (const mode of args.modes) {
    for (let r = 0; r < args.repeat; r++) {
      const run = await runMlwarden(reference, current, mode);
      let note = `driftShare ${run.metrics.driftShare}`;
      if (baseline !== undefined) {
        const worst = compare(run.metrics, baseline.columns);
        note += `; max rel. diff vs scipy: ${Object.entries(worst)
          .map(([k, v]) => `${k} ${v.toExponential(1)}`)
          .join(', ')}`;
      }
      rows.push([`mlwarden data.drift (${mode})`, run.seconds, run.cpuSeconds, note]);
    }
  }
  if (args.evidently) {
    const run = runPython('drift_evidently.py', 'evidently', [reference, current]);
    rows.push([
      'Evidently 0.7 DataDriftPreset (its own default tests)',
      run.seconds,
      run.cpuSeconds,
      '',
    ]);
  }
  const base = rows.find((r) => r[0].endsWith('(baseline)'));
  console.log('\nIn process (files read, checks run; package loading not counted):');
  console.log(`\n${args.rows.toLocaleString('en')} rows x (8 float64 + 1 dictionary[50]) per file`);
  console.log(
    '| implementation | wall s | CPU s | speed-up (wall) | speed-up (CPU) | notes |\n|---|---:|---:|---:|---:|---|',
  );
  for (const [name, seconds, cpuSeconds, note] of rows) {
    const wall = base === undefined ? '' : `${(base[1] / seconds).toFixed(2)}x`;
    const cpu = base === undefined ? '' : `${(base[2] / cpuSeconds).toFixed(2)}x`;
    console.log(
      `| ${name} | ${seconds.toFixed(2)} | ${cpuSeconds.toFixed(2)} | ${wall} | ${cpu} | ${note} |`,
    );
  }
  if (args.e2e) endToEnd(args, reference, current);
}

await main();
