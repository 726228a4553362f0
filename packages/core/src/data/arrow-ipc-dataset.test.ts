import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Dictionary,
  Float64,
  Int32,
  makeVector,
  Table,
  tableToIPC,
  Utf8,
  type Vector,
  vectorFromArray,
} from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../errors/input-error.js';
import { openDataset } from './open-dataset.js';

const dir = mkdtempSync(join(tmpdir(), 'mlw-ipc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sampleTable(batches = 3, rows = 1000): Table {
  const n = batches * rows;
  const whole = new Table(<Record<string, Vector>>{
    x: makeVector(Float64Array.from({ length: n }, (_, i) => i)),
    name: vectorFromArray(
      Array.from({ length: n }, (_, i) => `n${i % 7}`),
      new Utf8(),
    ),
  });
  const batch = whole.batches[0]!;
  return new Table(
    Array.from({ length: batches }, (_, b) => batch.slice(b * rows, (b + 1) * rows)),
  );
}

function write(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

async function rows(path: string, columns?: string[]): Promise<number> {
  const ds = await openDataset(path);
  let n = 0;
  for await (const batch of ds.batches(columns ? { columns } : {})) n += batch.numRows;
  return n;
}

describe('Arrow IPC datasets', () => {
  const table = sampleTable();
  const filePath = write('t.arrow', tableToIPC(table, 'file'));
  const streamPath = write('t.arrows', tableToIPC(table, 'stream'));

  it('detects the file and stream formats by content and streams their batches', async () => {
    const file = await openDataset(filePath);
    const stream = await openDataset(streamPath);
    expect(file.format).toBe('arrow-file');
    expect(stream.format).toBe('arrow-stream');
    expect(file.schema.fields.map((f) => f.name)).toEqual(['x', 'name']);
    const batches = [];
    for await (const b of file.batches()) batches.push(b);
    expect(batches.map((b) => b.numRows)).toEqual([1000, 1000, 1000]);
    expect(await rows(streamPath)).toBe(3000);
    // A misleading extension does not matter: detection reads the magic bytes.
    expect((await openDataset(write('really-arrow.csv', tableToIPC(table, 'file')))).format).toBe(
      'arrow-file',
    );
  });

  it('selects columns without touching the others', async () => {
    const ds = await openDataset(filePath);
    for await (const b of ds.batches({ columns: ['name'] })) {
      expect(b.schema.fields.map((f) => f.name)).toEqual(['name']);
    }
    await expect(rows(filePath, ['nope'])).rejects.toThrow(/has no column "nope"/);
  });

  it('reports a truncated file (no footer) with the path and what to do', async () => {
    const bytes = readFileSync(filePath);
    const path = write('cut.arrow', bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const error = await openDataset(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toContain(path);
    expect((error as InputError).message).toMatch(/truncated/);
    expect((error as InputError).hint).toMatch(/write it again/);
  });

  it('reports a stream cut in the middle of a batch or without its end marker', async () => {
    const bytes = readFileSync(streamPath);
    for (const keep of [0.5, 0.9]) {
      const path = write(`cut-${keep}.arrows`, bytes.subarray(0, Math.floor(bytes.length * keep)));
      await expect(rows(path)).rejects.toBeInstanceOf(InputError);
    }
    const noEos = write('no-eos.arrows', bytes.subarray(0, bytes.length - 8));
    await expect(openDataset(noEos)).rejects.toThrow(/no end-of-stream marker/);
  });

  it.each([
    [200, 7],
    [100, 13],
    [8, 50],
    [300, 1],
  ])(
    'reports garbage written over the file from byte %i (every %i-th byte) as an InputError',
    async (from, step) => {
      const bytes = Uint8Array.from(readFileSync(filePath));
      for (let i = from; i < bytes.length - 400; i += step) bytes[i] = (i * 31) & 0xff;
      const path = write(`garbage-${from}-${step}.arrow`, bytes);
      const error = await rows(path).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).message).toMatch(/corrupt|truncated/);
    },
  );

  it('reads dictionary columns', async () => {
    const dict = vectorFromArray(
      ['a', 'b', 'a', null, 'c'],
      new Dictionary(new Utf8(), new Int32()),
    );
    const t = new Table({ d: dict, v: vectorFromArray([1, 2, 3, 4, 5], new Float64()) });
    const path = write('dict.arrow', tableToIPC(t, 'file'));
    const ds = await openDataset(path);
    expect(String(ds.schema.fields[0]!.type)).toBe('Dictionary<Int32, Utf8>');
    expect(await rows(path)).toBe(5);
  });
});
