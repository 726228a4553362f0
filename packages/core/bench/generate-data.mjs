#!/usr/bin/env node
// Writes the data-layer benchmark files: a reference and a current Arrow IPC file (uncompressed),
// each with 8 float64 columns and 1 dictionary column of 50 values. The current file is the
// reference slightly shifted. Seeded: the same flags give byte-identical files.
//
//   node bench/generate-data.mjs [--rows 10000000] [--out DIR] [--seed 42] [--batch-rows 65536]
//                                [--only reference|current]
//
// Files are written to DIR (default: <repo>/.bench-data, git-ignored by a .gitignore written
// there) as reference-<rows>.arrow and current-<rows>.arrow, and reused when they already exist.
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  renameSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Dictionary,
  Field,
  Float64,
  Int32,
  makeData,
  RecordBatch,
  RecordBatchFileWriter,
  Schema,
  Struct,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';

export const DEFAULT_OUT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../.bench-data');
export const CATEGORY_COUNT = 50;
export const FLOAT_COLUMNS = 8;

/** xoshiro128** seeded through splitmix32: fast, deterministic, good enough for test data. */
export function createRng(seed) {
  let s = seed >>> 0;
  const next32 = () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = next32();
  let b = next32();
  let c = next32();
  let d = next32();
  const u32 = () => {
    const r = Math.imul(((Math.imul(b, 5) << 7) | (Math.imul(b, 5) >>> 25)) >>> 0, 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = (d << 11) | (d >>> 21);
    return r;
  };
  // 53-bit uniform in [0, 1).
  const uniform = () => ((u32() >>> 5) * 67108864 + (u32() >>> 6)) / 9007199254740992;
  let spare = Number.NaN;
  const normal = () => {
    if (!Number.isNaN(spare)) {
      const v = spare;
      spare = Number.NaN;
      return v;
    }
    let u = 0;
    while (u === 0) u = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    const theta = 2 * Math.PI * uniform();
    spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  };
  return { u32, uniform, normal };
}

/** Column generators; `shift` is 0 for the reference and 1 for the current file. */
const COLUMNS = [
  (rng, shift) => rng.normal() + 0.05 * shift,
  (rng, shift) => 10 + 2 * rng.normal() * (1 + 0.03 * shift),
  (rng, shift) => Math.exp(0.5 * rng.normal() + 0.02 * shift),
  (rng, shift) => rng.uniform() * (1 + 0.02 * shift),
  (rng, shift) => -Math.log(1 - rng.uniform()) * (1 + 0.04 * shift),
  (rng, shift) => -5 + 0.5 * rng.normal() + 0.01 * shift,
  (rng, shift) => (rng.uniform() < 0.3 + 0.02 * shift ? -2 : 3) + rng.normal(),
  (rng, shift) => 1000 * rng.normal() + 20 * shift,
];

function categoryWeights(shift) {
  const w = new Float64Array(CATEGORY_COUNT);
  let total = 0;
  for (let i = 0; i < CATEGORY_COUNT; i++) {
    w[i] = 1 / (i + 1) ** (1.1 + 0.05 * shift);
    total += w[i];
  }
  const cdf = new Float64Array(CATEGORY_COUNT);
  let acc = 0;
  for (let i = 0; i < CATEGORY_COUNT; i++) {
    acc += w[i] / total;
    cdf[i] = acc;
  }
  cdf[CATEGORY_COUNT - 1] = 1;
  return cdf;
}

export function benchSchema() {
  const fields = [];
  for (let c = 0; c < FLOAT_COLUMNS; c++) fields.push(new Field(`f${c}`, new Float64(), false));
  fields.push(new Field('category', new Dictionary(new Utf8(), new Int32(), 0), false));
  return new Schema(fields);
}

export function benchFilePath(kind, rows, out = DEFAULT_OUT) {
  return join(out, `${kind}-${rows}.arrow`);
}

/** Writes one benchmark file (unless it exists) and returns its path. */
export async function generateFile({
  kind,
  rows,
  out = DEFAULT_OUT,
  seed = 42,
  batchRows = 65536,
}) {
  const path = benchFilePath(kind, rows, out);
  if (existsSync(path)) return path;
  mkdirSync(out, { recursive: true });
  const ignore = join(out, '.gitignore');
  if (!existsSync(ignore)) writeFileSync(ignore, '*\n');
  const shift = kind === 'current' ? 1 : 0;
  const rng = createRng(seed + shift * 7919);
  const cdf = categoryWeights(shift);
  const schema = benchSchema();
  const names = Array.from(
    { length: CATEGORY_COUNT },
    (_, i) => `cat_${String(i).padStart(2, '0')}`,
  );
  const dictionary = vectorFromArray(names, new Utf8());
  const dictType = schema.fields[FLOAT_COLUMNS].type;
  const tmp = `${path}.partial`;
  const fd = openSync(tmp, 'w');
  const writer = new RecordBatchFileWriter();
  // Write the writer's output as it appears, so memory stays at about one batch.
  const chunks = writer[Symbol.asyncIterator]();
  let next = chunks.next();
  const drain = async () => {
    for (;;) {
      const ready = await Promise.race([next, new Promise((r) => setImmediate(() => r(null)))]);
      if (ready === null || ready.done) return;
      writeSync(fd, ready.value);
      next = chunks.next();
    }
  };
  for (let start = 0; start < rows; start += batchRows) {
    const n = Math.min(batchRows, rows - start);
    const children = [];
    for (let c = 0; c < FLOAT_COLUMNS; c++) {
      const values = new Float64Array(n);
      const gen = COLUMNS[c];
      for (let i = 0; i < n; i++) values[i] = gen(rng, shift);
      children.push(
        makeData({ type: schema.fields[c].type, length: n, nullCount: 0, data: values }),
      );
    }
    const indices = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      let k = 0;
      while (cdf[k] < u) k++;
      indices[i] = k;
    }
    children.push(makeData({ type: dictType, length: n, nullCount: 0, data: indices, dictionary }));
    const data = makeData({ type: new Struct(schema.fields), length: n, nullCount: 0, children });
    writer.write(new RecordBatch(schema, data));
    await drain();
  }
  writer.finish();
  await drain();
  closeSync(fd);
  renameSync(tmp, path);
  return path;
}

function parseArgs(argv) {
  const args = { rows: 10_000_000, out: DEFAULT_OUT, seed: 42, batchRows: 65536, only: undefined };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--rows') args.rows = Number(value);
    else if (flag === '--out') args.out = resolve(value);
    else if (flag === '--seed') args.seed = Number(value);
    else if (flag === '--batch-rows') args.batchRows = Number(value);
    else if (flag === '--only') args.only = value;
    else throw new Error(`unknown flag ${flag}; see the comment at the top of generate-data.mjs`);
    i++;
  }
  if (!Number.isInteger(args.rows) || args.rows < 1)
    throw new Error('--rows must be a positive integer');
  return args;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = parseArgs(process.argv.slice(2));
  for (const kind of args.only ? [args.only] : ['reference', 'current']) {
    const t0 = performance.now();
    const path = await generateFile({ kind, ...args });
    console.log(`${path} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
}
