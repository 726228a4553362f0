import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordBatch } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../errors/input-error.js';
import type { ArrowDataset } from './dataset-notes.js';
import { openDataset } from './open-dataset.js';

const dir = mkdtempSync(join(tmpdir(), 'mlw-text-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function readAll(ds: ArrowDataset, columns?: string[]): Promise<RecordBatch[]> {
  const out: RecordBatch[] = [];
  for await (const b of ds.batches(columns ? { columns } : {})) out.push(b);
  return out;
}

function column(batches: RecordBatch[], name: string): unknown[] {
  return batches.flatMap((b) =>
    [...b.getChild(name)!].map((v) => (typeof v === 'bigint' ? Number(v) : v)),
  );
}

describe('CSV and TSV datasets', () => {
  it('infers bool, int32, float64 and utf8 columns and streams batches of batchRows', async () => {
    const lines = ['id,score,ok,name,when'];
    for (let i = 0; i < 25; i++)
      lines.push(
        `${i},${i / 4},${i % 2 === 0},"n, ${i}",2024-01-${String((i % 28) + 1).padStart(2, '0')}`,
      );
    const ds = await openDataset(file('basic.csv', `${lines.join('\r\n')}\r\n`), { batchRows: 10 });
    expect(ds.format).toBe('csv');
    expect(ds.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual([
      'id:Int32',
      'score:Float64',
      'ok:Bool',
      'name:Utf8',
      'when:Utf8',
    ]);
    const batches = await readAll(ds);
    expect(batches.map((b) => b.numRows)).toEqual([10, 10, 5]);
    expect(column(batches, 'score').slice(0, 3)).toEqual([0, 0.25, 0.5]);
    expect(column(batches, 'name')[3]).toBe('n, 3');
    expect(ds.notes).toEqual([]);
  });

  it('reads nulls, NaN and infinities as such', async () => {
    const ds = await openDataset(
      file('special.csv', 'x,y\n1,a\nNA,""\n,b\nNaN,c\n-inf,d\ninf,e\n'),
    );
    const batches = await readAll(ds);
    expect(column(batches, 'x')).toEqual([
      1,
      null,
      null,
      Number.NaN,
      Number.NEGATIVE_INFINITY,
      Number.POSITIVE_INFINITY,
    ]);
    // A quoted empty field is an empty string, not null.
    expect(column(batches, 'y')).toEqual(['a', '', 'b', 'c', 'd', 'e']);
  });

  it('reads a column that mixes numbers and text as text, with a note checks can read', async () => {
    const ds = await openDataset(file('mixed.csv', 'v\n1\n2\nthree\n4.5\n'));
    expect(String(ds.schema.fields[0]!.type)).toBe('Utf8');
    expect(ds.schema.fields[0]!.metadata.get('mlwarden.note')).toMatch(
      /mixes 3 numbers, 1 strings/,
    );
    expect(ds.notes).toEqual([
      expect.objectContaining({ kind: 'mixed-types', column: 'v', count: 4 }),
    ]);
    expect(column(await readAll(ds), 'v')).toEqual(['1', '2', 'three', '4.5']);
  });

  it('notes values after the inference sample that do not fit the inferred type', async () => {
    const ds = await openDataset(file('late.csv', 'v\n1\n2\n3\noops\n5\nbad\n'), { inferRows: 3 });
    expect(String(ds.schema.fields[0]!.type)).toBe('Int32');
    expect(column(await readAll(ds), 'v')).toEqual([1, 2, 3, null, 5, null]);
    expect(ds.notes).toEqual([
      expect.objectContaining({ kind: 'type-mismatch', column: 'v', count: 2, line: 5 }),
    ]);
    // A second pass replaces the notes instead of adding to them.
    await readAll(ds);
    expect(ds.notes).toHaveLength(1);
    expect(ds.notes[0]!.count).toBe(2);
  });

  it('reports a malformed row with its line number', async () => {
    const path = file('bad.csv', 'a,b\n1,2\n3,4,5\n');
    // Inside the type-inference sample: found when the dataset is opened.
    await expect(openDataset(path)).rejects.toThrow(
      /line 3: the row has 3 fields, the header has 2/,
    );
    // After the sample: found while streaming.
    const ds = await openDataset(path, { inferRows: 1 });
    const error = await readAll(ds).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(
      /bad\.csv: line 3: the row has 3 fields, the header has 2/,
    );
    await expect(openDataset(file('open-quote.csv', 'a,b\n1,"2\n3,4\n'))).rejects.toThrow(
      /line 2: a quoted field is never closed/,
    );
  });

  it('reports non-UTF-8 bytes with their line instead of replacing them', async () => {
    const latin1 = Buffer.concat([
      Buffer.from('name\nalpha\nbeta\ncaf'),
      Buffer.from([0xe9]),
      Buffer.from('\n'),
    ]);
    const path = file('latin1.csv', latin1);
    const error = await openDataset(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/not valid UTF-8: invalid byte 0xe9 at line 4/);
    expect((error as InputError).hint).toMatch(/encoding/);
    const ds = await openDataset(path, { encoding: 'latin1' });
    expect(column(await readAll(ds), 'name')).toEqual(['alpha', 'beta', 'café']);
  });

  it('renames empty and repeated header cells with a note', async () => {
    const ds = await openDataset(file('header.csv', ',a,a\n1,2,3\n'));
    expect(ds.schema.fields.map((f) => f.name)).toEqual(['column_1', 'a', 'a_2']);
    expect(ds.notes.map((n) => n.kind)).toEqual(['renamed-column', 'renamed-column']);
  });

  it('reads TSV and selects columns', async () => {
    const ds = await openDataset(file('t.tsv', 'a\tb\tc\n1\tx\t2.5\n3\ty\t4\n'));
    expect(ds.format).toBe('tsv');
    const batches = await readAll(ds, ['c', 'a']);
    expect(batches[0]!.schema.fields.map((f) => f.name)).toEqual(['c', 'a']);
    expect(column(batches, 'c')).toEqual([2.5, 4]);
  });

  it('rejects an empty file and an all-null column stays text with a note', async () => {
    await expect(openDataset(file('empty.csv', ''))).rejects.toThrow(/is empty/);
    const ds = await openDataset(file('nulls.csv', 'a,b\n,1\n,2\n'));
    expect(String(ds.schema.fields[0]!.type)).toBe('Utf8');
    expect(ds.notes[0]).toMatchObject({ kind: 'all-null', column: 'a' });
  });
});

describe('NDJSON datasets', () => {
  it('reads objects line by line, typing keys from the sample', async () => {
    const text = [
      '{"a":1,"b":"x","c":true}',
      '',
      '{"a":2.5,"c":false,"d":{"k":1}}',
      '{"a":null,"b":"z","d":[1,2]}',
    ].join('\n');
    const ds = await openDataset(file('r.jsonl', text));
    expect(ds.format).toBe('ndjson');
    expect(ds.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual([
      'a:Float64',
      'b:Utf8',
      'c:Bool',
      'd:Utf8',
    ]);
    const batches = await readAll(ds);
    expect(column(batches, 'a')).toEqual([1, 2.5, null]);
    expect(column(batches, 'b')).toEqual(['x', null, 'z']);
    expect(column(batches, 'd')).toEqual([null, '{"k":1}', '[1,2]']);
    expect(ds.notes).toEqual([expect.objectContaining({ kind: 'nested-as-json', column: 'd' })]);
  });

  it('reports invalid JSON and non-object lines with their line number', async () => {
    await expect(openDataset(file('bad.ndjson', '{"a":1}\n{"a":\n'))).rejects.toThrow(
      /line 2: not valid JSON/,
    );
    await expect(openDataset(file('arr.ndjson', '{"a":1}\n[1,2]\n'))).rejects.toThrow(
      /line 2: expected a JSON object, got an array/,
    );
  });

  it('notes keys that first appear after the sample', async () => {
    const ds = await openDataset(file('late.ndjson', '{"a":1}\n{"a":2}\n{"a":3,"z":9}\n'), {
      inferRows: 2,
    });
    await readAll(ds);
    expect(ds.notes).toEqual([
      expect.objectContaining({ kind: 'unknown-key', column: 'z', line: 3 }),
    ]);
  });
});

describe('openDataset', () => {
  it('reads file: URIs and rejects other schemes, missing files and unknown formats', async () => {
    const path = file('u.csv', 'a\n1\n');
    expect((await openDataset(`file://${path}`)).format).toBe('csv');
    await expect(openDataset('s3://bucket/key.parquet')).rejects.toMatchObject({
      code: 'MLW_INPUT_UNRESOLVED',
    });
    await expect(openDataset(join(dir, 'missing.csv'))).rejects.toMatchObject({
      code: 'MLW_INPUT_NOT_FOUND',
    });
    await expect(openDataset(file('x.bin', 'hello'))).rejects.toThrow(/cannot tell the format/);
    await expect(openDataset(file('x.csv.gz', 'hello'))).rejects.toThrow(/compressed/);
    await expect(openDataset(dir)).rejects.toThrow(/not a regular file/);
  });
});
