import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Bool,
  Dictionary,
  Field,
  Float32,
  Float64,
  Int32,
  Int64,
  List,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  tableToIPC,
  Utf8,
  type Vector,
  vectorFromArray,
} from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { exactRank, exactRankBelow, relativeDifference } from './__fixtures__/test-data.js';
import { isArrowTable } from './_arrow-shape.js';
import { SeededRandom } from './_random.js';
import type { ColumnProfile } from './column-profile.js';
import { datasetFromRecords } from './dataset-from-records.js';
import { datasetFromTable } from './dataset-from-table.js';
import { DatasetProfile, datasetProfileFromJSON } from './dataset-profile.js';
import { openDataset } from './open-dataset.js';
import { profileDataset } from './profile-dataset.js';

const dir = mkdtempSync(join(tmpdir(), 'mlw-profile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const N = 120_000;

interface Truth {
  floats: number[];
  categories: string[];
}

/** A table exercising every kernel: NaN, ±Infinity, nulls, invalid UTF-8, dictionary, all-null. */
function makeBatch(): { batch: RecordBatch; truth: Truth } {
  const rng = new SeededRandom(2024);
  const x = new Float64Array(N);
  const xValid = new Uint8Array(Math.ceil(N / 8));
  const floats: number[] = [];
  for (let i = 0; i < N; i++) {
    const r = i % 1000;
    let v = (rng.nextU32() / 4294967296) * 100 - 30;
    if (r === 1) v = Number.NaN;
    else if (r === 2) v = Number.POSITIVE_INFINITY;
    else if (r === 3) v = Number.NEGATIVE_INFINITY;
    else if (r >= 10 && r < 40) v = -999; // a sentinel in 3 % of rows, which top-k must find
    x[i] = v;
    if (r !== 5) xValid[i >> 3]! |= 1 << (i & 7);
    if (r !== 5 && Number.isFinite(v)) floats.push(v);
  }
  const names = ['red', 'green', 'blue', 'cyan', 'magenta'];
  const categories: string[] = [];
  const codes = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    codes[i] = Math.min(4, Math.floor(-Math.log(1 - rng.nextU32() / 4294967296) * 1.3));
    categories.push(names[codes[i]!]!);
  }
  // utf8 with empty strings, nulls and one invalid byte sequence every 500 rows.
  const encoder = new TextEncoder();
  const offsets = new Int32Array(N + 1);
  const parts: Uint8Array[] = [];
  const sValid = new Uint8Array(Math.ceil(N / 8));
  let length = 0;
  for (let i = 0; i < N; i++) {
    let bytes: Uint8Array;
    if (i % 500 === 7) bytes = Uint8Array.from([0x66, 0xff, 0x6f]);
    else if (i % 97 === 0) bytes = new Uint8Array(0);
    else bytes = encoder.encode(`w${i % 300}é`);
    if (i % 250 !== 9) sValid[i >> 3]! |= 1 << (i & 7);
    else bytes = new Uint8Array(0);
    parts.push(bytes);
    length += bytes.length;
    offsets[i + 1] = length;
  }
  const text = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    text.set(p, at);
    at += p.length;
  }
  const ints = new Int32Array(N);
  const big = new BigInt64Array(N);
  const bits = new Uint8Array(Math.ceil(N / 8));
  const bValid = new Uint8Array(Math.ceil(N / 8));
  for (let i = 0; i < N; i++) {
    ints[i] = (i * 7919) % 1001;
    big[i] = BigInt(i) * 4_000_000_000n - 2n ** 40n;
    if (i % 3 === 0) bits[i >> 3]! |= 1 << (i & 7);
    if (i % 11 !== 0) bValid[i >> 3]! |= 1 << (i & 7);
  }
  const dictionary = vectorFromArray(names, new Utf8());
  const fields = [
    new Field('x', new Float64(), true),
    new Field('f32', new Float32(), false),
    new Field('n', new Int32(), false),
    new Field('big', new Int64(), false),
    new Field('flag', new Bool(), true),
    new Field('s', new Utf8(), true),
    new Field('cat', new Dictionary(new Utf8(), new Int32()), false),
    new Field('empty', new Float64(), true),
  ];
  const children = [
    makeData({ type: new Float64(), length: N, nullBitmap: xValid, data: x }),
    makeData({
      type: new Float32(),
      length: N,
      nullCount: 0,
      data: Float32Array.from(x, (v) => (Number.isFinite(v) ? v : 0)),
    }),
    makeData({ type: new Int32(), length: N, nullCount: 0, data: ints }),
    makeData({ type: new Int64(), length: N, nullCount: 0, data: big }),
    makeData({ type: new Bool(), length: N, nullBitmap: bValid, data: bits }),
    makeData({
      type: new Utf8(),
      length: N,
      nullBitmap: sValid,
      valueOffsets: offsets,
      data: text,
    }),
    makeData({
      type: fields[6]!.type as Dictionary<Utf8, Int32>,
      length: N,
      nullCount: 0,
      data: codes,
      dictionary,
    }),
    makeData({
      type: new Float64(),
      length: N,
      nullCount: N,
      nullBitmap: new Uint8Array(Math.ceil(N / 8)),
      data: new Float64Array(N),
    }),
  ];
  const schema = new Schema(fields);
  const batch = new RecordBatch(
    schema,
    makeData({ type: new Struct(fields), length: N, nullCount: 0, children }),
  );
  return { batch, truth: { floats, categories } };
}

const { batch, truth } = makeBatch();

function split(parts: number): RecordBatch[] {
  const size = Math.ceil(N / parts);
  const out: RecordBatch[] = [];
  for (let i = 0; i < N; i += size) out.push(batch.slice(i, Math.min(N, i + size)));
  return out;
}

function exactFields(c: ColumnProfile) {
  return {
    count: c.count,
    nulls: c.nulls,
    nan: c.nan,
    positiveInfinity: c.positiveInfinity,
    negativeInfinity: c.negativeInfinity,
    trues: c.trues,
    emptyStrings: c.emptyStrings,
    invalidUtf8: c.invalidUtf8,
    byteLength: c.byteLength,
    min: c.min,
    max: c.max,
    finite: c.finite,
  };
}

/** Acceptance: exact fields equal, moments to 1e-12 relative, sketches within their bounds. */
function expectEquivalent(merged: DatasetProfile, single: DatasetProfile): void {
  expect(merged.rows).toBe(single.rows);
  expect(merged.columns.map((c) => c.name)).toEqual(single.columns.map((c) => c.name));
  for (const a of merged.columns) {
    const b = single.column(a.name)!;
    expect(exactFields(a), a.name).toEqual(exactFields(b));
    if (b.moments && b.moments.n > 1) {
      expect(relativeDifference(a.mean!, b.mean!), `${a.name} mean`).toBeLessThan(1e-12);
      expect(relativeDifference(a.variance!, b.variance!), `${a.name} variance`).toBeLessThan(
        1e-12,
      );
      expect(Math.abs(a.skewness! - b.skewness!), `${a.name} skewness`).toBeLessThan(1e-12);
      expect(Math.abs(a.kurtosis! - b.kurtosis!), `${a.name} kurtosis`).toBeLessThan(1e-12);
    }
    if (b.distinct) {
      const sd = b.distinctError!;
      expect(
        Math.abs(a.distinctCount! - b.distinctCount!) / Math.max(1, b.distinctCount!),
      ).toBeLessThanOrEqual(6 * sd);
    }
  }
}

function checkAgainstTruth(profile: DatasetProfile): void {
  const x = profile.column('x')!;
  const sorted = Float64Array.from(truth.floats).sort();
  expect(x.count).toBe(N);
  expect(x.nulls).toBe(N / 1000);
  expect(x.nan).toBe(N / 1000);
  expect(x.positiveInfinity).toBe(N / 1000);
  expect(x.negativeInfinity).toBe(N / 1000);
  expect(x.finite).toBe(sorted.length);
  expect(x.min).toBe(-999);
  expect(x.max).toBe(sorted[sorted.length - 1]);
  const mean = truth.floats.reduce((a, b) => a + b, 0) / truth.floats.length;
  expect(relativeDifference(x.mean!, mean)).toBeLessThan(1e-9);
  for (const q of [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99]) {
    // The estimate's true rank interval [fraction < x, fraction <= x] must come within ε of q.
    const estimate = x.quantile(q)!;
    const below = exactRankBelow(sorted, estimate);
    expect(below - x.quantileError!).toBeLessThanOrEqual(q);
    expect(exactRank(sorted, estimate) + x.quantileError!).toBeGreaterThanOrEqual(q);
  }
  const sentinel = x.top(1)[0]!;
  expect(sentinel.value).toBe(-999);
  expect(Math.abs(sentinel.count - (30 * N) / 1000)).toBeLessThanOrEqual(
    sentinel.error + x.quantileError! * x.finite,
  );
  const histogram = x.histogram(10)!;
  expect(histogram.counts.reduce((a, b) => a + b, 0)).toBe(x.finite);
  for (let i = 0; i < 10; i++) {
    const lo = histogram.edges[i]!;
    const hi = histogram.edges[i + 1]!;
    const exact = truth.floats.filter((v) => (i === 0 ? v >= lo : v > lo) && v <= hi).length;
    expect(Math.abs(histogram.counts[i]! - exact)).toBeLessThanOrEqual(histogram.countError);
  }
  const cat = profile.column('cat')!;
  const counts = new Map<string, number>();
  for (const c of truth.categories) counts.set(c, (counts.get(c) ?? 0) + 1);
  expect(cat.kind).toBe('categorical');
  expect(cat.distinctCount).toBe(counts.size);
  for (const item of cat.top(5)) expect(item.count).toBe(counts.get(item.value as string));
  const s = profile.column('s')!;
  expect(s.nulls).toBe(N / 250 - 0);
  expect(s.invalidUtf8).toBe(N / 500);
  expect(s.distinctCount).toBeGreaterThan(290);
  expect(s.top(10).every((i) => typeof i.value === 'string' && !i.value.includes('\uFFFD'))).toBe(
    true,
  );
  const flag = profile.column('flag')!;
  expect(flag.nulls).toBe(Math.ceil(N / 11));
  const big = profile.column('big')!;
  expect(big.min).toBe(-(2 ** 40));
  expect(big.max).toBe((N - 1) * 4_000_000_000 - 2 ** 40);
  const empty = profile.column('empty')!;
  expect(empty.nulls).toBe(N);
  expect(empty.mean).toBeUndefined();
  expect(empty.quantile(0.5)).toBeUndefined();
  expect(empty.histogram()).toBeUndefined();
}

describe('profileDataset', () => {
  it('profiles every column kind correctly in one pass', async () => {
    const profile = await profileDataset(datasetFromTable(new Table([batch])));
    checkAgainstTruth(profile);
  });

  it('gives the single-pass answer when the data is split into batches, profiled apart and merged', async () => {
    const single = await profileDataset(datasetFromTable(new Table([batch])));
    for (const parts of [2, 5, 16]) {
      const partitions = split(parts).map((b, i) => {
        const p = new DatasetProfile({}, i + 1).addBatch(b);
        // Partitions travel as JSON, as they would from another process or machine.
        return datasetProfileFromJSON(JSON.parse(JSON.stringify(p.toJSON())));
      });
      const merged = partitions.slice(1).reduce((acc, p) => acc.merge(p), partitions[0]!);
      expectEquivalent(merged, single);
      checkAgainstTruth(merged);
      // One dataset of N batches, profiled in one streaming pass, agrees too.
      expectEquivalent(await profileDataset(datasetFromTable(new Table(split(parts)))), single);
    }
  });

  it('merges associatively', () => {
    const [a, b, c] = split(3).map((part, i) => new DatasetProfile({}, i).addBatch(part));
    const left = a!.clone().merge(b!).merge(c!);
    const right = a!.clone().merge(b!.clone().merge(c!));
    expectEquivalent(left, right);
    checkAgainstTruth(left);
    checkAgainstTruth(right);
  });

  it('round-trips through JSON exactly', async () => {
    const profile = await profileDataset(datasetFromTable(new Table(split(4))));
    const json = JSON.parse(JSON.stringify(profile.toJSON()));
    expect(datasetProfileFromJSON(json).toJSON()).toEqual(profile.toJSON());
    expect(() => datasetProfileFromJSON({ ...json, schema: 'other' })).toThrow(
      /not a dataset profile/,
    );
  });

  it('profiles partitions of an Arrow IPC file in worker threads to the single-pass answer', async () => {
    const path = join(dir, 'parts.arrow');
    writeFileSync(path, tableToIPC(new Table(split(8)), 'file'));
    const ds = await openDataset(path);
    const single = await profileDataset(ds);
    // The file readers (reused-buffer views) agree with Arrow JS's decoding of the same batches.
    expectEquivalent(single, await profileDataset(datasetFromTable(new Table(split(8)))));
    const progress: number[] = [];
    const parallel = await profileDataset(ds, {
      workers: 2,
      onProgress: (p) => progress.push(p.rows),
    });
    expectEquivalent(parallel, single);
    checkAgainstTruth(parallel);
    expect(progress.at(-1)).toBe(N);
    const selected = await profileDataset(ds, { workers: 2, columns: ['cat', 'x'] });
    expect(selected.columns.map((c) => c.name)).toEqual(['x', 'cat']);
    expect(selected.column('cat')!.toJSON()).toEqual(parallel.column('cat')!.toJSON());
  });

  it('reads nested columns of an IPC file through Arrow JS, counting rows and nulls', async () => {
    const lists = vectorFromArray(
      [[1, 2], null, [3], [], null],
      new List(new Field('item', new Int32(), true)),
    );
    const t = new Table(<Record<string, Vector>>{
      l: lists,
      v: vectorFromArray([1, 2, 3, 4, 5], new Float64()),
    });
    const path = join(dir, 'nested.arrow');
    writeFileSync(path, tableToIPC(t, 'file'));
    for (const workers of [0, 1]) {
      const profile = await profileDataset(await openDataset(path), { workers });
      expect(profile.column('l')).toMatchObject({ kind: 'other', count: 5, nulls: 2 });
      expect(profile.column('v')!.mean).toBe(3);
    }
  });

  it('profiles other datasets through workers too', async () => {
    const path = join(dir, 'p.csv');
    const lines = ['a,b'];
    for (let i = 0; i < 5000; i++) lines.push(`${i % 97},${i % 3 === 0 ? 'x' : 'y'}`);
    writeFileSync(path, lines.join('\n'));
    const ds = await openDataset(path, { batchRows: 700 });
    const single = await profileDataset(ds);
    const parallel = await profileDataset(ds, { workers: 2 });
    expectEquivalent(parallel, single);
    expect(parallel.column('b')!.top(1)[0]).toEqual({ value: 'y', count: 3333, error: 0 });
  });

  it('lists the columns of an empty dataset with zero counts', async () => {
    const ds = datasetFromTable(new Table([batch.slice(0, 0)]));
    const profile = await profileDataset(ds);
    expect(profile.columns.map((c) => [c.name, c.count])).toEqual(
      batch.schema.fields.map((f) => [f.name, 0]),
    );
    expect(profile.column('x')!.quantile(0.5)).toBeUndefined();
  });

  it('stops when aborted, in the calling thread and in workers', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(
      profileDataset(datasetFromTable(new Table([batch])), { signal: controller.signal }),
    ).rejects.toThrow('stop');
    const path = join(dir, 'abort.arrow');
    writeFileSync(path, tableToIPC(new Table(split(8)), 'file'));
    const late = new AbortController();
    const run = profileDataset(await openDataset(path), { workers: 2, signal: late.signal });
    late.abort(new Error('late stop'));
    await expect(run).rejects.toThrow('late stop');
    // Batches fed from the calling thread: aborting after the first progress report stops the feed.
    const csv = join(dir, 'abort.csv');
    writeFileSync(csv, ['v', ...Array.from({ length: 20_000 }, (_, i) => String(i))].join('\n'));
    const fed = new AbortController();
    const feeding = profileDataset(await openDataset(csv, { batchRows: 500 }), {
      workers: 2,
      signal: fed.signal,
      onProgress: () => fed.abort(new Error('fed stop')),
    });
    await expect(feeding).rejects.toThrow('fed stop');
  });

  it('reports a corrupt partition from a worker as an InputError', async () => {
    const path = join(dir, 'gone.arrow');
    writeFileSync(path, tableToIPC(new Table(split(4)), 'file'));
    const ds = await openDataset(path);
    writeFileSync(path, 'not arrow any more');
    await expect(profileDataset(ds, { workers: 2 })).rejects.toMatchObject({ name: 'InputError' });
  });
});

describe('datasets from tables and records', () => {
  it('recognises a table from another copy of apache-arrow by shape, not instanceof', async () => {
    // The CommonJS build is a second copy of every Arrow class.
    const cjs = createRequire(import.meta.url)('apache-arrow') as typeof import('apache-arrow');
    const foreign = cjs.tableFromArrays({
      v: Float64Array.from([1, 2, 3, Number.NaN]),
      s: ['a', 'b', 'a', 'c'],
    });
    expect(cjs.Table).not.toBe(Table);
    expect(isArrowTable(foreign)).toBe(true);
    expect(isArrowTable({ schema: {}, batches: [] })).toBe(false);
    const profile = await profileDataset(datasetFromTable(foreign));
    expect(profile.column('v')!.mean).toBe(2);
    expect(profile.column('v')!.nan).toBe(1);
    expect(profile.column('s')!.top(1)[0]).toEqual({ value: 'a', count: 2, error: 0 });
    expect(() => datasetFromTable([1, 2, 3])).toThrow(/needs an Apache Arrow Table/);
  });

  it('builds a dataset from plain records, noting mixed types', async () => {
    const ds = await datasetFromRecords(
      [
        { age: 31, city: 'Oslo', tag: 1 },
        { age: null, city: 'Rome', tag: 'x' },
        { age: 40.5, tag: true },
      ],
      { batchRows: 2 },
    );
    expect(ds.numRows).toBe(3);
    expect(ds.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual([
      'age:Float64',
      'city:Utf8',
      'tag:Utf8',
    ]);
    expect(ds.notes).toEqual([expect.objectContaining({ kind: 'mixed-types', column: 'tag' })]);
    const profile = await profileDataset(ds);
    expect(profile.column('age')!.mean).toBeCloseTo(35.75, 12);
    expect(profile.column('city')!.nulls).toBe(1);
    await expect(datasetFromRecords([1 as never])).rejects.toThrow(/record 1 is not an object/);
  });
});
