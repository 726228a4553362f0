import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { RecordBatch } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../errors/input-error.js';
import { openDataset } from './open-dataset.js';
import { profileDataset } from './profile-dataset.js';

const dir = mkdtempSync(join(tmpdir(), 'mlw-parquet-'));
const path = join(dir, 'data.parquet');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  // DuckDB writes the fixture: 1,000 rows in row groups of 300.
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  await con.run(`COPY (
    SELECT i::DOUBLE / 4 AS x, i::INTEGER AS n,
           CASE WHEN i % 7 = 0 THEN NULL ELSE 'c' || (i % 5) END AS s, i % 2 = 0 AS b,
           DATE '2024-01-01' + i::INTEGER AS d, TIMESTAMP '2024-01-01' + to_seconds(i) AS t,
           CASE WHEN i % 10 = 0 THEN NULL ELSE i::BIGINT * 1000000000000 END AS big,
           i::DECIMAL(10, 2) AS dec, 'a longer text é ' || i AS long
    FROM range(1000) r(i)
  ) TO '${path}' (FORMAT parquet, ROW_GROUP_SIZE 300)`);
  con.closeSync();
  db.closeSync();
});

async function readAll(columns?: string[], batchRows?: number): Promise<RecordBatch[]> {
  const ds = await openDataset(path, batchRows ? { batchRows } : {});
  const out: RecordBatch[] = [];
  for await (const b of ds.batches(columns ? { columns } : {})) out.push(b);
  return out;
}

describe('Parquet datasets (DuckDB)', () => {
  it('detects Parquet by its magic bytes and maps column types to Arrow', async () => {
    const ds = await openDataset(path);
    expect(ds.format).toBe('parquet');
    expect(ds.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual([
      'x:Float64',
      'n:Int32',
      's:Utf8',
      'b:Bool',
      'd:Date32<DAY>',
      't:Timestamp<MICROSECOND>',
      'big:Int64',
      'dec:Utf8',
      'long:Utf8',
    ]);
    expect(ds.notes).toEqual([expect.objectContaining({ kind: 'converted-type', column: 'dec' })]);
  });

  it('streams every row in batches of batchRows with values and nulls intact', async () => {
    const batches = await readAll(undefined, 256);
    expect(batches.reduce((n, b) => n + b.numRows, 0)).toBe(1000);
    expect(Math.max(...batches.map((b) => b.numRows))).toBeLessThanOrEqual(256 + 2048);
    const x = batches.flatMap((b) => [...b.getChild('x')!]);
    expect(x.slice(0, 3)).toEqual([0, 0.25, 0.5]);
    const big = batches.flatMap((b) => [...b.getChild('big')!]);
    expect(big[0]).toBeNull();
    expect(big[1]).toBe(1000000000000n);
    expect(batches.flatMap((b) => [...b.getChild('s')!]).slice(0, 3)).toEqual([null, 'c1', 'c2']);
    expect(batches.flatMap((b) => [...b.getChild('long')!])[999]).toBe('a longer text é 999');
    expect(batches.flatMap((b) => [...b.getChild('dec')!])[3]).toBe('3.00');
  });

  it('reads only the selected columns', async () => {
    const batches = await readAll(['n', 'b']);
    expect(batches[0]!.schema.fields.map((f) => f.name)).toEqual(['n', 'b']);
    expect(batches.flatMap((b) => [...b.getChild('b')!]).slice(0, 2)).toEqual([true, false]);
  });

  it('profiles Parquet columns', async () => {
    const profile = await profileDataset(await openDataset(path));
    const big = profile.column('big')!;
    expect(big.count).toBe(1000);
    expect(big.nulls).toBe(100);
    expect(profile.column('n')!.mean).toBeCloseTo(499.5, 10);
    expect(profile.column('b')!.trues).toBe(500);
    expect(profile.column('s')!.distinctCount).toBe(5);
    expect(profile.column('s')!.nulls).toBe(143);
    const long = profile.column('long')!;
    expect(Math.abs(long.distinctCount! - 1000)).toBeLessThanOrEqual(
      3 * long.distinctError! * 1000,
    );
    expect(profile.column('long')!.invalidUtf8).toBe(0);
  });

  it('reports truncated and corrupt files with the path and what to do', async () => {
    const bytes = readFileSync(path);
    const cut = join(dir, 'cut.parquet');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 100));
    const error = await openDataset(cut).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/cut\.parquet is truncated/);
    const broken = Uint8Array.from(bytes);
    const footer = bytes.length - 8 - bytes.readInt32LE(bytes.length - 8);
    for (let i = footer; i < bytes.length - 8; i += 3) broken[i] = 0xab;
    const garbled = join(dir, 'garbled.parquet');
    writeFileSync(garbled, broken);
    const error2 = await openDataset(garbled).catch((e: unknown) => e);
    expect(error2).toBeInstanceOf(InputError);
    expect((error2 as Error).message).toContain(garbled);
  });
});
