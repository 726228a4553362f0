/**
 * Planted-poison evaluation of the poisoning detectors at their default thresholds.
 *
 *   scripts/poisoning-eval [--no-art] [--no-write]
 *
 * Datasets: a seeded synthetic set (5000 rows, 10 Gaussian features carrying 3 classes, and two
 * categorical columns of 20 values each that carry nothing), and scikit-learn's breast-cancer
 * and digits sets (the Arrow fixtures of packages/adversarial). Each is poisoned from fixed seeds:
 * - label flips: 5% and 10% of rows get another class (uniformly), plus the clean set;
 * - outliers: 1% of rows moved by ±6 robust standard deviations (scaled MAD) in 3 random
 *   features; and a batch test: half the rows as a trusted reference, the other half with 5%
 *   such outliers (and clean) as the new batch;
 * - a trigger on 2% of rows of other classes, relabelled to class 0: synthetic region = r7 and
 *   device = d13 (a pair of common values); breast-cancer mean_texture = 40 and worst_smoothness
 *   = 0.05; digits pixel_0_0 = 16 and pixel_7_7 = 16.
 * Precision and recall are over rows (flagged vs planted). For the trigger set, a small MLP is
 * trained in Python and ART's ActivationDefence and SpectralSignatureDefense run on its hidden
 * layer (bench/poisoning-art.py); mlwarden's spectral signatures run on the same activations.
 * The tables are written into docs/checks/poisoning.*.md between the eval markers.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CheckResult, datasetFromTable, runChecks } from '@mlwarden/core';
import { makeVector, Table, tableFromIPC, tableToIPC, type Vector } from 'apache-arrow';
import { columnMedians } from '../src/poisoning/_robust-scale.js';
import { blobs, categories } from '../src/poisoning/_test-data.js';
import {
  backdoorOptions,
  findTriggers,
  labelNoiseCheck,
  outliersCheck,
  readFeatureMatrix,
  spectralSignatures,
} from '../src/poisoning/index.js';
import { createRandom } from '../src/stats/_random.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
const fixtures = join(repo, 'packages/adversarial/test/__fixtures__');

interface Base {
  name: string;
  numeric: { name: string; values: Float64Array }[];
  categorical: { name: string; values: string[] }[];
  labels: Int32Array;
  classes: number;
  trigger: (
    row: number,
    numeric: Map<string, Float64Array>,
    categorical: Map<string, string[]>,
  ) => void;
}

function synthetic(): Base {
  const data = blobs(5000, 10, 3, 42, 1.6, 5);
  const random = createRandom(43);
  const pick = () => Math.floor(random() * 20);
  return {
    name: 'synthetic (5000 × 10 + 2 categorical, 3 classes)',
    numeric: data.columns.map((values, j) => ({ name: `f${j}`, values })),
    categorical: [
      { name: 'region', values: Array.from({ length: 5000 }, () => `r${pick()}`) },
      { name: 'device', values: Array.from({ length: 5000 }, () => `d${pick()}`) },
    ],
    labels: data.labels,
    classes: 3,
    trigger: (row, _numeric, categorical) => {
      (categorical.get('region') as string[])[row] = 'r7';
      (categorical.get('device') as string[])[row] = 'd13';
    },
  };
}

function fixture(file: string, name: string, trigger: Record<string, number>): Base {
  const table = tableFromIPC(readFileSync(join(fixtures, file)));
  const numeric = table.schema.fields
    .filter((f) => f.name !== 'target')
    .map((f) => ({
      name: f.name,
      values: Float64Array.from(table.getChild(f.name)?.toArray() as ArrayLike<number>),
    }));
  const labels = Int32Array.from(table.getChild('target')?.toArray() as ArrayLike<number>);
  return {
    name,
    numeric,
    categorical: [],
    labels,
    classes: Math.max(...labels) + 1,
    trigger: (row, values) => {
      for (const [column, value] of Object.entries(trigger))
        (values.get(column) as Float64Array)[row] = value;
    },
  };
}

/** A copy of the data as an Arrow table, with optional extra numeric columns. */
function toTable(
  numeric: Map<string, Float64Array>,
  categorical: Map<string, string[]>,
  labels: Int32Array,
  extra: Record<string, Vector> = {},
): Table {
  const columns: Record<string, Vector> = {};
  for (const [name, values] of numeric) columns[name] = makeVector(values);
  for (const [name, values] of categorical) columns[name] = categories(values);
  return new Table({ ...columns, ...extra, label: makeVector(labels) });
}

const copyNumeric = (b: Base) =>
  new Map(b.numeric.map((c) => [c.name, Float64Array.from(c.values)]));
const copyCategorical = (b: Base) => new Map(b.categorical.map((c) => [c.name, [...c.values]]));

function choose(
  n: number,
  count: number,
  seed: number,
  allowed: (i: number) => boolean = () => true,
): Set<number> {
  const random = createRandom(seed);
  const out = new Set<number>();
  while (out.size < count) {
    const i = Math.floor(random() * n);
    if (allowed(i)) out.add(i);
  }
  return out;
}

async function run(
  check: typeof labelNoiseCheck | typeof outliersCheck,
  table: Table,
  options: unknown,
  reference?: Table,
) {
  const report = await runChecks({
    checks: [check],
    inputs: {
      dataset: datasetFromTable(table, { source: 'eval://dataset' }),
      ...(reference && { reference: datasetFromTable(reference, { source: 'eval://reference' }) }),
    },
    settings: { [check.meta.id]: { options } },
    seed: 7,
    timeoutMs: 3_600_000,
  });
  const result = report.results[0] as CheckResult;
  if (result.status === 'error') throw new Error(`${check.meta.id}: ${result.error?.message}`);
  return result;
}

const pct = (v: number | null | undefined) =>
  v === null || v === undefined || Number.isNaN(v) ? '–' : `${(v * 100).toFixed(1)}%`;

function score(flagged: Iterable<number>, planted: Set<number>) {
  const list = [...flagged];
  const tp = list.filter((r) => planted.has(r)).length;
  return {
    flagged: list.length,
    precision: list.length ? tp / list.length : null,
    recall: planted.size ? tp / planted.size : null,
  };
}

async function labelNoise(base: Base, rows: string[]) {
  for (const share of [0, 0.05, 0.1]) {
    const labels = Int32Array.from(base.labels);
    const planted = choose(labels.length, Math.round(share * labels.length), 100 + share * 1000);
    const random = createRandom(200 + share * 1000);
    for (const i of planted)
      labels[i] =
        ((labels[i] as number) + 1 + Math.floor(random() * (base.classes - 1))) % base.classes;
    const table = toTable(copyNumeric(base), new Map(), labels);
    const result = await run(labelNoiseCheck, table, {
      label: 'label',
      maxReportedRows: 1_000_000,
    });
    const suspicious = (result.metrics.suspiciousRows as { row: number }[]).map((s) => s.row);
    const s = score(suspicious, planted);
    const fired = result.findings.some((f) => f.ruleId.endsWith('/label-noise'));
    rows.push(
      `| ${base.name} | ${pct(share)} | ${planted.size} | ${s.flagged} | ${planted.size ? pct(s.precision) : '–'} | ${pct(s.recall)} | ${pct(result.metrics.overallNoiseRate as number)} | ${fired ? 'yes' : 'no'} |`,
    );
  }
}

function plantOutliers(
  base: Base,
  numeric: Map<string, Float64Array>,
  rows: Iterable<number>,
  seed: number,
) {
  const names = [...numeric.keys()];
  const n = base.labels.length;
  const d = names.length;
  const x = new Float64Array(n * d);
  names.forEach((name, j) => {
    (numeric.get(name) as Float64Array).forEach((v, i) => {
      x[i * d + j] = v;
    });
  });
  const { scale } = columnMedians(x, n, d);
  const random = createRandom(seed);
  for (const i of rows) {
    for (let t = 0; t < 3; t++) {
      const j = Math.floor(random() * d);
      const column = numeric.get(names[j] as string) as Float64Array;
      column[i] = (column[i] as number) + (random() < 0.5 ? -6 : 6) * (scale[j] as number);
    }
  }
}

async function outliers(base: Base, rows: string[], jumps: string[]) {
  const n = base.labels.length;
  const planted = choose(n, Math.round(0.01 * n), 300);
  const numeric = copyNumeric(base);
  plantOutliers(base, numeric, planted, 301);
  const dirty = toTable(numeric, new Map(), base.labels);
  const clean = toTable(copyNumeric(base), new Map(), base.labels);
  for (const method of ['auto', 'knn', 'mahalanobis', 'isolation-forest'] as const) {
    const options = { method, exclude: ['label'], maxReportedRows: 1_000_000 };
    const listed = (r: CheckResult) => (r.metrics.outliers as { row: number }[]).map((o) => o.row);
    const result = await run(outliersCheck, dirty, options);
    const s = score(listed(result), planted);
    const cleanFlagged = listed(await run(outliersCheck, clean, options)).length;
    const label = method === 'auto' ? `auto → ${String(result.metrics.method)}` : method;
    rows.push(
      `| ${base.name} | ${label} | ${planted.size} | ${s.flagged} | ${pct(s.precision)} | ${pct(s.recall)} | ${cleanFlagged} (${pct(cleanFlagged / n)}) |`,
    );
  }
  // A new batch against a trusted reference: the first half of the rows (seeded split).
  const split = choose(n, Math.floor(n / 2), 302);
  const half = (keep: (i: number) => boolean, source: Map<string, Float64Array>) => {
    const index = [...Array(n).keys()].filter(keep);
    const columns = new Map(
      [...source].map(([name, values]) => [
        name,
        Float64Array.from(index, (i) => values[i] as number),
      ]),
    );
    return {
      index,
      table: toTable(
        columns,
        new Map(),
        Int32Array.from(index, (i) => base.labels[i] as number),
      ),
      columns,
    };
  };
  const reference = half((i) => split.has(i), copyNumeric(base));
  const batch = half((i) => !split.has(i), copyNumeric(base));
  const batchPlanted = choose(batch.index.length, Math.round(0.05 * batch.index.length), 303);
  const poisonedBatch = new Map([...batch.columns].map(([k, v]) => [k, Float64Array.from(v)]));
  plantOutliers(
    { ...base, labels: Int32Array.from(batch.index, (i) => base.labels[i] as number) },
    poisonedBatch,
    batchPlanted,
    304,
  );
  const options = { exclude: ['label'], windowRows: 0 };
  const fired = (r: CheckResult) => r.findings.find((f) => f.ruleId.endsWith('/outlier-rate-jump'));
  const dirtyRun = await run(
    outliersCheck,
    toTable(
      poisonedBatch,
      new Map(),
      Int32Array.from(batch.index, (i) => base.labels[i] as number),
    ),
    options,
    reference.table,
  );
  const cleanRun = await run(outliersCheck, batch.table, options, reference.table);
  jumps.push(
    `| ${base.name} | ${pct(dirtyRun.metrics.referenceOutlierRate as number)} | ${pct(cleanRun.metrics.outlierRate as number)} | ${fired(cleanRun) ? 'yes' : 'no'} | ${pct(dirtyRun.metrics.outlierRate as number)} | ${fired(dirtyRun) ? 'yes' : 'no'} |`,
  );
}

interface ArtResult {
  trainAccuracy: number;
  plantedLearned: number;
  activationDefence: { flagged: number; precision: number | null; recall: number | null };
  spectralSignatureDefense: { flagged: number; precision: number | null; recall: number | null };
}

async function backdoor(
  base: Base,
  rows: string[],
  spectralRows: string[],
  dir: string,
  art: boolean,
) {
  const n = base.labels.length;
  const planted = choose(n, Math.round(0.02 * n), 400, (i) => base.labels[i] !== 0);
  const numeric = copyNumeric(base);
  const categorical = copyCategorical(base);
  const labels = Int32Array.from(base.labels);
  for (const i of planted) {
    base.trigger(i, numeric, categorical);
    labels[i] = 0;
  }
  const defaults = backdoorOptions.parse({ label: 'label' });
  for (const [kind, data] of [
    [
      'clean',
      { numeric: copyNumeric(base), categorical: copyCategorical(base), labels: base.labels },
    ],
    ['trigger', { numeric, categorical, labels }],
  ] as const) {
    const table = toTable(data.numeric, data.categorical, data.labels);
    const search = await findTriggers(datasetFromTable(table), {
      ...defaults,
      label: 'label',
      exclude: defaults.exclude,
    });
    const covered = new Set(search.triggers.flatMap((t) => t.rows));
    const s = score(covered, kind === 'clean' ? new Set() : planted);
    const found = search.triggers
      .slice(0, 3)
      .map((t) => t.columns.map((c, k) => `${c}=${t.values[k]}`).join(' & '));
    rows.push(
      `| ${base.name} | ${kind} | ${kind === 'clean' ? 0 : planted.size} | ${search.triggers.length} | ${s.flagged} | ${kind === 'clean' ? '–' : pct(s.precision)} | ${kind === 'clean' ? '–' : pct(s.recall)} | ${found.join('; ') || '–'} |`,
    );
  }
  if (!art) return;
  // ART on the trigger set: one-hot categorical columns so the MLP sees every input.
  const extra: Record<string, Vector> = {};
  const features = [...numeric.keys()];
  for (const [name, values] of categorical) {
    for (const level of [...new Set(values)].sort()) {
      const column = `${name}=${level}`;
      extra[column] = makeVector(Float64Array.from(values, (v) => (v === level ? 1 : 0)));
      features.push(column);
    }
  }
  extra.planted = makeVector(Int32Array.from({ length: n }, (_, i) => (planted.has(i) ? 1 : 0)));
  const input = join(dir, 'art-input.arrow');
  const output = join(dir, 'art-activations.arrow');
  const spec = join(dir, 'art-spec.json');
  writeFileSync(input, tableToIPC(toTable(numeric, new Map(), labels, extra), 'file'));
  writeFileSync(
    spec,
    JSON.stringify({
      label: 'label',
      features,
      planted: 'planted',
      poisonShare: planted.size / n,
      seed: 7,
    }),
  );
  const venv = spawnSync(join(repo, 'scripts/py-venv'), ['art'], { encoding: 'utf8' });
  if (venv.status !== 0) throw new Error(`py-venv art failed: ${venv.stderr}`);
  const python = join(venv.stdout.trim(), 'bin/python');
  const proc = spawnSync(python, [join(here, 'poisoning-art.py'), input, output, spec], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (proc.status !== 0) throw new Error(`poisoning-art.py failed: ${proc.stderr}`);
  const result = JSON.parse(proc.stdout) as ArtResult;
  const activations = tableFromIPC(readFileSync(output));
  const embedding = activations.schema.fields.map((f) => f.name).filter((f) => f !== 'label');
  const matrix = await readFeatureMatrix(datasetFromTable(activations), {
    label: 'label',
    features: embedding,
    maxRows: 1e9,
  });
  const signatures = spectralSignatures(matrix, { seed: 7 });
  const ours = score(
    signatures.flatMap((s) => s.suspicious.map((i) => matrix.rows[i] as number)),
    planted,
  );
  const line = (
    who: string,
    s: { flagged: number; precision: number | null; recall: number | null },
  ) =>
    `| ${base.name} | ${who} | ${planted.size} | ${s.flagged} | ${pct(s.precision)} | ${pct(s.recall)} |`;
  spectralRows.push(
    line(
      `mlwarden spectral signatures (MLP train accuracy ${pct(result.trainAccuracy)}, trigger learned on ${pct(result.plantedLearned)})`,
      ours,
    ),
    line('ART ActivationDefence (defaults)', result.activationDefence),
    line('ART SpectralSignatureDefense (true poison share given)', result.spectralSignatureDefense),
  );
}

/** Markdown tables with padded columns (the layout the docs formatter gives them). */
function alignTables(lines: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    if (!(lines[i] as string).startsWith('|')) {
      out.push(lines[i++] as string);
      continue;
    }
    const block: string[][] = [];
    while (i < lines.length && (lines[i] as string).startsWith('|')) {
      block.push(
        (lines[i++] as string)
          .slice(1, -1)
          .split('|')
          .map((c) => c.trim()),
      );
    }
    const widths = (block[0] as string[]).map((_, c) =>
      Math.max(3, ...block.filter((_, r) => r !== 1).map((row) => (row[c] ?? '').length)),
    );
    block.forEach((row, r) => {
      const cells = widths.map((w, c) => (r === 1 ? '-'.repeat(w) : (row[c] ?? '').padEnd(w)));
      out.push(`| ${cells.join(' | ')} |`);
    });
  }
  return out;
}

function writeSection(file: string, body: string) {
  const path = join(repo, 'docs/checks', file);
  const text = readFileSync(path, 'utf8');
  const start = '<!-- eval:start -->';
  const end = '<!-- eval:end -->';
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`${path} has no eval markers`);
  writeFileSync(path, `${text.slice(0, a + start.length)}\n${body}\n${text.slice(b)}`);
}

async function main() {
  const argv = process.argv.slice(2);
  const art = !argv.includes('--no-art');
  const write = !argv.includes('--no-write');
  const bases = [
    synthetic(),
    fixture('breast-cancer.arrow', 'breast-cancer (569 × 30, 2 classes)', {
      mean_texture: 40,
      worst_smoothness: 0.05,
    }),
    fixture('digits.arrow', 'digits (1797 × 64, 10 classes)', { pixel_0_0: 16, pixel_7_7: 16 }),
  ];
  const dir = mkdtempSync(join(tmpdir(), 'mlw-poisoning-eval-'));
  const noise: string[] = [];
  const outlierRows: string[] = [];
  const jumpRows: string[] = [];
  const triggerRows: string[] = [];
  const spectralRows: string[] = [];
  try {
    for (const base of bases) {
      console.error(`evaluating ${base.name}`);
      await labelNoise(base, noise);
      await outliers(base, outlierRows, jumpRows);
      await backdoor(base, triggerRows, spectralRows, dir, art);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const stamp = `Generated by \`scripts/poisoning-eval\` (seeded; checks at their default options, seed 7).`;
  const sections = {
    'poisoning.label-noise.md': [
      stamp,
      '',
      '| dataset | flipped | planted rows | flagged | precision | recall | estimated noise | `label-noise` finding |',
      '|---|---|---|---|---|---|---|---|',
      ...noise,
    ],
    'poisoning.outliers.md': [
      stamp,
      '',
      '| dataset | method | planted rows | flagged | precision | recall | flagged in the clean set |',
      '|---|---|---|---|---|---|---|',
      ...outlierRows,
      '',
      'New batch against a trusted reference (half the rows each; default method, windows off):',
      '',
      '| dataset | reference rate | clean batch rate | jump reported | batch with 5% outliers | jump reported |',
      '|---|---|---|---|---|---|',
      ...jumpRows,
    ],
    'poisoning.backdoor.md': [
      stamp,
      '',
      'Trigger hunting (rows covered by the reported triggers against the planted rows):',
      '',
      '| dataset | data | planted rows | triggers reported | rows covered | precision | recall | top triggers |',
      '|---|---|---|---|---|---|---|---|',
      ...triggerRows,
      ...(spectralRows.length > 0
        ? [
            '',
            'Spectral signatures against ART on the 32-unit hidden layer of an MLP trained on the trigger set:',
            '',
            '| dataset | detector | planted rows | flagged | precision | recall |',
            '|---|---|---|---|---|---|',
            ...spectralRows,
          ]
        : []),
    ],
  };
  for (const [file, lines] of Object.entries(sections)) {
    const text = alignTables(lines).join('\n');
    console.log(`\n## ${file}\n\n${text}`);
    if (write) writeSection(file, text);
  }
}

await main();
