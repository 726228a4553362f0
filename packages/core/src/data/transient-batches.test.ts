import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Float64, makeVector, Table, tableToIPC, Utf8, vectorFromArray } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../errors/input-error.js';
import type { RecordBatchLike } from './_arrow-shape.js';
import { datasetFromTable } from './dataset-from-table.js';
import { openDataset } from './open-dataset.js';
import { transientBatches } from './transient-batches.js';

const dir = mkdtempSync(join(tmpdir(), 'mlw-transient-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function table(batches: number, rows: number): Table {
  const n = batches * rows;
  const whole = new Table({
    x: makeVector(Float64Array.from({ length: n }, (_, i) => i * 0.5)),
    name: vectorFromArray(
      Array.from({ length: n }, (_, i) => `v${i % 5}`),
      new Utf8(),
    ),
    y: vectorFromArray(
      Array.from({ length: n }, (_, i) => (i % 11 === 0 ? null : -i)),
      new Float64(),
    ),
  });
  const batch = whole.batches[0] as (typeof whole.batches)[number];
  return new Table(
    Array.from({ length: batches }, (_, b) => batch.slice(b * rows, (b + 1) * rows)),
  );
}

/**
 * Copies what a single pass would keep: the x values and y's validity, batch by batch (typed
 * buffers are pre-sliced; the validity bitmap is read from the chunk's bit offset).
 */
async function copyOut(batches: AsyncIterable<RecordBatchLike>) {
  const x: number[] = [];
  const yValid: boolean[] = [];
  const names: string[][] = [];
  for await (const batch of batches) {
    names.push(batch.schema.fields.map((f) => f.name));
    const index = (name: string) => batch.schema.fields.findIndex((f) => f.name === name);
    const xs = batch.data.children[index('x')];
    const ys = batch.data.children[index('y')];
    const values = xs?.values as Float64Array;
    for (let i = 0; i < batch.numRows; i++) x.push(values[i] as number);
    if (ys !== undefined) {
      for (let i = 0; i < batch.numRows; i++) {
        const bit = ys.offset + i;
        const bitmap = ys.nullBitmap;
        yValid.push(
          !bitmap || bitmap.length === 0 || ((bitmap[bit >> 3] as number) & (1 << (bit & 7))) !== 0,
        );
      }
    }
  }
  return { x, yValid, names };
}

describe('transientBatches', () => {
  const source = table(7, 1000);
  const path = join(dir, 't.arrow');
  writeFileSync(path, tableToIPC(source, 'file'));

  it('reads an Arrow IPC file with the same values and validity as its ordinary batches', async () => {
    const dataset = await openDataset(path);
    const fast = await copyOut(transientBatches(dataset, { columns: ['y', 'x'] }));
    const plain = await copyOut(
      dataset.batches({ columns: ['x', 'y'] }) as AsyncIterable<RecordBatchLike>,
    );
    expect(fast.x).toHaveLength(7000);
    expect(fast.x).toEqual(plain.x);
    expect(fast.yValid).toEqual(plain.yValid);
    expect(fast.yValid.filter((v) => !v)).toHaveLength(Math.ceil(7000 / 11));
    // Selected columns come in schema order.
    expect(fast.names.every((n) => n.join() === 'x,y')).toBe(true);
  });

  it('rejects an unknown column like the dataset itself, naming it', async () => {
    const dataset = await openDataset(path);
    const iterate = async () => {
      for await (const _ of transientBatches(dataset, { columns: ['x', 'nope'] })) {
        // nothing: the error comes first
      }
    };
    await expect(iterate()).rejects.toThrow(InputError);
    await expect(iterate()).rejects.toThrow(/nope/);
  });

  it('passes the batches of other datasets through', async () => {
    const dataset = datasetFromTable(source);
    const { x } = await copyOut(transientBatches(dataset, { columns: ['x'] }));
    expect(x).toEqual(Array.from({ length: 7000 }, (_, i) => i * 0.5));
  });

  it('stops at the abort signal', async () => {
    const dataset = await openDataset(path);
    const controller = new AbortController();
    let seen = 0;
    const iterate = async () => {
      for await (const _ of transientBatches(dataset, { signal: controller.signal })) {
        seen++;
        controller.abort();
      }
    };
    await expect(iterate()).rejects.toThrow();
    expect(seen).toBe(1);
  });
});
