/**
 * Fairness benchmark: `measureGroupFairness` (the engine of `fairness.group`) on an Arrow IPC
 * file of 10M rows with 3 sensitive features, against Fairlearn's MetricFrame on the same file in
 * the same run (bench/fairness-fairlearn.py: one MetricFrame per feature and for the
 * intersection with the same seven group metrics, disparities derived from it; both sides time
 * reading the file too). Fairlearn 0.15 copies every value through `np.stack` for each metric
 * call, so it needs about 4 minutes per million rows here: the 10M-row default takes ~40 minutes.
 *
 *   scripts/fairness-bench [--rows 10000000] [--bootstrap 500] [--no-python]
 *
 * The file is generated here from a fixed seed into a temporary directory and removed after.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDataset } from '@mlwarden/core';
import {
  Dictionary,
  Field,
  Int8,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  tableToIPC,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { DISPARITY_NAMES, measureGroupFairness } from '../src/fairness/index.js';
import { createRandom } from '../src/stats/_random.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');

function parseArgs(argv: string[]) {
  const args = { rows: 10_000_000, bootstrap: 500, python: true };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--no-python') args.python = false;
    else if (flag === '--rows') args.rows = Number(argv[++i]);
    else if (flag === '--bootstrap') args.bootstrap = Number(argv[++i]);
    else throw new Error(`unknown flag ${flag}; see the comment at the top of fairness-bench.ts`);
  }
  return args;
}

const FEATURES = [
  { name: 'sex', values: ['female', 'male'], weights: [0.5, 0.5] },
  { name: 'race', values: ['A', 'B', 'C', 'D', 'E'], weights: [0.45, 0.25, 0.15, 0.1, 0.05] },
  {
    name: 'age',
    values: ['18-24', '25-34', '35-44', '45-54', '55-64', '65+'],
    weights: [1, 2, 2, 2, 1.5, 1],
  },
];

/** Batches of 1M rows: three dictionary columns (int8 indices) and int8 labels / predictions. */
function generate(rows: number): Table {
  const random = createRandom(2024);
  const fields = [
    ...FEATURES.map((f) => new Field(f.name, new Dictionary(new Utf8(), new Int8()), false)),
    new Field('y', new Int8(), false),
    new Field('yHat', new Int8(), false),
  ];
  const schema = new Schema(fields);
  const dictionaries = FEATURES.map((f) => vectorFromArray(f.values, new Utf8()));
  const cumulative = FEATURES.map((f) => {
    const total = f.weights.reduce((a, b) => a + b, 0);
    let acc = 0;
    return f.weights.map((w) => (acc += w / total));
  });
  const batches: RecordBatch[] = [];
  for (let start = 0; start < rows; start += 1_000_000) {
    const n = Math.min(1_000_000, rows - start);
    const codes = FEATURES.map(() => new Int8Array(n));
    const y = new Int8Array(n);
    const yHat = new Int8Array(n);
    for (let i = 0; i < n; i++) {
      let bias = 0;
      FEATURES.forEach((_, f) => {
        const u = random();
        const cdf = cumulative[f] as number[];
        let k = 0;
        while (k < cdf.length - 1 && u > (cdf[k] as number)) k++;
        (codes[f] as Int8Array)[i] = k;
        bias += k * 0.02;
      });
      const label = random() < 0.4 ? 1 : 0;
      y[i] = label;
      yHat[i] = random() < (label ? 0.8 - bias : 0.15 + bias / 2) ? 1 : 0;
    }
    const children = [
      ...FEATURES.map((_, f) =>
        makeData({
          type: fields[f]?.type as Dictionary<Utf8, Int8>,
          length: n,
          nullCount: 0,
          data: codes[f] as Int8Array,
          dictionary: dictionaries[f],
        }),
      ),
      makeData({ type: new Int8(), length: n, nullCount: 0, data: y }),
      makeData({ type: new Int8(), length: n, nullCount: 0, data: yHat }),
    ];
    batches.push(
      new RecordBatch(
        schema,
        makeData({ type: new Struct(fields), length: n, nullCount: 0, children }),
      ),
    );
  }
  return new Table(schema, batches);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'mlw-fairness-bench-'));
  try {
    const path = join(dir, 'fairness.arrow');
    const spec = join(dir, 'spec.json');
    let t = performance.now();
    writeFileSync(path, tableToIPC(generate(args.rows), 'file'));
    writeFileSync(
      spec,
      JSON.stringify({ label: 'y', prediction: 'yHat', sensitive: FEATURES.map((f) => f.name) }),
    );
    console.log(`generated ${args.rows} rows in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    const measure = async (bootstrap: number) => {
      const started = performance.now();
      const result = await measureGroupFairness(await openDataset(path), {
        sensitive: FEATURES.map((f) => f.name),
        label: 'y',
        prediction: 'yHat',
        bootstrap,
        seed: 1,
      });
      return { seconds: (performance.now() - started) / 1000, result };
    };
    const plain = await measure(0);
    const boot = await measure(args.bootstrap);
    const rows: [string, string][] = [
      ['mlwarden, no bootstrap', `${plain.seconds.toFixed(2)} s`],
      [`mlwarden, ${args.bootstrap} bootstrap resamples`, `${boot.seconds.toFixed(2)} s`],
    ];
    if (args.python) {
      const venv = spawnSync(join(repo, 'scripts/py-venv'), ['fairlearn'], { encoding: 'utf8' });
      if (venv.status !== 0) throw new Error(`py-venv failed: ${venv.stderr}`);
      const python = join(venv.stdout.trim(), 'bin/python');
      t = performance.now();
      const run = spawnSync(python, [join(here, 'fairness-fairlearn.py'), 'bench', path, spec], {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
      const wall = (performance.now() - t) / 1000;
      if (run.status !== 0) throw new Error(`Fairlearn failed: ${run.stderr}`);
      const out = JSON.parse(run.stdout) as {
        seconds: number;
        readSeconds: number;
        result: Record<string, { disparities: Record<string, number | null> }>;
      };
      let maxDiff = 0;
      for (const feature of plain.result.features) {
        for (const name of DISPARITY_NAMES) {
          const theirs = out.result[feature.key]?.disparities[name];
          const ours = feature.disparities[name];
          maxDiff = Math.max(maxDiff, Math.abs(ours - (theirs ?? Number.NaN)));
        }
      }
      rows.push(
        [
          'Fairlearn MetricFrame (read + 4 frames)',
          `${out.seconds.toFixed(2)} s (read ${out.readSeconds.toFixed(2)} s, process ${wall.toFixed(1)} s)`,
        ],
        [
          'speed-up (no bootstrap / with bootstrap)',
          `${(out.seconds / plain.seconds).toFixed(1)}x / ${(out.seconds / boot.seconds).toFixed(1)}x`,
        ],
        ['largest disparity difference', maxDiff.toExponential(2)],
      );
    }
    console.log(
      `\nfairness: ${args.rows} rows, 3 sensitive features (2 × 5 × 6 groups), label and prediction\n`,
    );
    for (const [k, v] of rows) console.log(`${k.padEnd(44)} ${v}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
