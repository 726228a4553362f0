/**
 * Drift benchmark: `data.drift` on two Arrow IPC files (8 float64 columns and one dictionary
 * column of 50 values, 10M rows each by default) against a numpy/scipy implementation of the same
 * metrics, measured in the same run.
 *
 *   npm run bench -w @mlwarden/checks -- [--rows 10000000] [--modes exact,sketch] [--no-python]
 *                                       [--scipy-functions] [--repeat 1] [--evidently]
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
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    rows: 10_000_000,
    modes: ['exact', 'sketch'],
    python: true,
    evidently: false,
    scipyFunctions: false,
    repeat: 1,
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
}

await main();
