/**
 * Label-noise benchmark: `poisoning.label-noise` on 100 000 rows × 20 features (two classes, 10%
 * of labels flipped, seeded) written as an Arrow IPC file, beside a Python baseline doing the
 * same computation (bench/poisoning-label-noise.py: scikit-learn out-of-fold logistic regression,
 * NearestNeighbors against the same sample size, confident learning and duplicates in numpy), in
 * the same run. Both sides include reading the file.
 *
 *   scripts/poisoning-bench [--rows 100000] [--features 20] [--no-python]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CheckResult, openDataset, runChecks } from '@mlwarden/core';
import { tableToIPC } from 'apache-arrow';
import { blobs, blobTable, flipLabels } from '../src/poisoning/_test-data.js';
import { labelNoiseCheck } from '../src/poisoning/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');

function parseArgs(argv: string[]) {
  const args = { rows: 100_000, features: 20, python: true };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--no-python') args.python = false;
    else if (flag === '--rows') args.rows = Number(argv[++i]);
    else if (flag === '--features') args.features = Number(argv[++i]);
    else throw new Error(`unknown flag ${flag}; see the comment at the top of poisoning-bench.ts`);
  }
  return args;
}

function score(flagged: number[], planted: Set<number>) {
  const tp = flagged.filter((r) => planted.has(r)).length;
  return `precision ${((100 * tp) / Math.max(1, flagged.length)).toFixed(1)}%, recall ${((100 * tp) / planted.size).toFixed(1)}%`;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'mlw-label-noise-bench-'));
  try {
    const data = blobs(args.rows, args.features, 2, 2025, 1.6, 5);
    const planted = flipLabels(data.labels, 2, 0.1, 2026);
    const path = join(dir, 'train.arrow');
    writeFileSync(path, tableToIPC(blobTable(data), 'file'));

    const cpu = process.cpuUsage();
    const started = performance.now();
    const report = await runChecks({
      checks: [labelNoiseCheck],
      inputs: { dataset: await openDataset(path) },
      settings: {
        'poisoning.label-noise': { options: { label: 'label', maxReportedRows: args.rows } },
      },
      seed: 1,
      timeoutMs: 3_600_000,
    });
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const result = report.results[0] as CheckResult;
    if (result.status === 'error') throw new Error(result.error?.message);
    const ours = (result.metrics.suspiciousRows as { row: number }[]).map((s) => s.row);
    const lines: [string, string][] = [
      [
        'mlwarden poisoning.label-noise',
        `${seconds.toFixed(1)} s wall, ${((used.user + used.system) / 1e6).toFixed(1)} s CPU (one thread)`,
      ],
      [
        '  flagged',
        `${ours.length} rows, ${score(ours, planted)}, estimated noise ${((result.metrics.overallNoiseRate as number) * 100).toFixed(1)}%`,
      ],
    ];
    if (args.python) {
      const venv = spawnSync(join(repo, 'scripts/py-venv'), ['fairlearn'], { encoding: 'utf8' });
      if (venv.status !== 0) throw new Error(`py-venv failed: ${venv.stderr}`);
      const spec = join(dir, 'spec.json');
      writeFileSync(
        spec,
        JSON.stringify({
          label: 'label',
          features: data.columns.map((_, j) => `f${j}`),
          folds: 5,
          C: 1,
          neighbours: 10,
          knnReference: 2000,
          modelWeight: 0.5,
          tolerance: 0.01,
          seed: 1,
        }),
      );
      const t = performance.now();
      const run = spawnSync(
        join(venv.stdout.trim(), 'bin/python'),
        [join(here, 'poisoning-label-noise.py'), path, spec],
        {
          encoding: 'utf8',
          maxBuffer: 256 << 20,
        },
      );
      const wall = (performance.now() - t) / 1000;
      if (run.status !== 0) throw new Error(`Python baseline failed: ${run.stderr}`);
      const py = JSON.parse(run.stdout) as {
        seconds: Record<string, number>;
        total: number;
        flagged: number[];
        overallNoiseRate: number;
      };
      const mine = new Set(ours);
      const both = py.flagged.filter((r) => mine.has(r)).length;
      const union = new Set([...ours, ...py.flagged]).size;
      lines.push(
        [
          'Python baseline (scikit-learn, numpy)',
          `${py.total.toFixed(1)} s (${Object.entries(py.seconds)
            .map(([k, v]) => `${k} ${v.toFixed(1)}`)
            .join(', ')}; process ${wall.toFixed(1)} s)`,
        ],
        [
          '  flagged',
          `${py.flagged.length} rows, ${score(py.flagged, planted)}, estimated noise ${(py.overallNoiseRate * 100).toFixed(1)}%`,
        ],
        [
          '  overlap of flagged rows (Jaccard)',
          `${((100 * both) / Math.max(1, union)).toFixed(1)}%`,
        ],
      );
    }
    console.log(
      `\nlabel noise: ${args.rows} rows × ${args.features} features, 2 classes, 10% flipped\n`,
    );
    for (const [k, v] of lines) console.log(`${k.padEnd(40)} ${v}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
