import {
  Bool,
  type DataType,
  DateDay,
  Dictionary,
  Float16,
  Float32,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  LargeUtf8,
  TimestampSecond,
  Uint8,
  Uint32,
  Uint64,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { CategoryCounter } from './_category-counter.js';
import { NumericColumn } from './_numeric-column.js';
import { forEachString } from './_strings.js';

/** The chunk of a vector, sliced so that offsets into shared buffers are exercised. */
function sliced(values: unknown[], type: DataType, from = 1) {
  const vector = vectorFromArray(values, type);
  return vector.slice(from).data[0] as NonNullable<(typeof vector.data)[0]>;
}

describe('NumericColumn', () => {
  const cases: [string, DataType, unknown[], number[]][] = [
    ['Float64', new Float64(), [9, 1.5, null, -2], [1.5, -2]],
    ['Float32', new Float32(), [9, 0.5, null, 3], [0.5, 3]],
    ['Float16', new Float16(), [9, 0.5, null, -2], [0.5, -2]],
    ['Int8', new Int8(), [9, -7, null, 100], [-7, 100]],
    ['Int16', new Int16(), [9, -300, null, 3], [-300, 3]],
    ['Int32', new Int32(), [9, -70000, null, 3], [-70000, 3]],
    ['Int64', new Int64(), [9n, -(2n ** 40n), null, 3n], [-(2 ** 40), 3]],
    ['Uint8', new Uint8(), [9, 255, null, 0], [255, 0]],
    ['Uint32', new Uint32(), [9, 4294967295, null, 1], [4294967295, 1]],
    ['Uint64', new Uint64(), [9n, 2n ** 52n, null, 1n], [2 ** 52, 1]],
  ];
  for (const [name, type, values, expected] of cases) {
    it(`reads ${name} chunks with nulls and offsets`, () => {
      const column = new NumericColumn();
      column.append(sliced(values, type));
      expect([...column.values()]).toEqual(expected);
      expect(column.nulls).toBe(1);
      expect(column.rows).toBe(3);
    });
  }

  it('collects into one preallocated array when the row count is known, growing past it', () => {
    for (const expected of [undefined, 4, 100]) {
      const column = new NumericColumn(expected);
      column.append(sliced([7, 1, null, 2], new Float64()));
      column.append(sliced([7, 3, 4, Number.NaN], new Float64()));
      column.append(sliced([7, 5, 6], new Int32()));
      expect([...column.values()], String(expected)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(column.valueChunks().reduce((n, c) => n + c.length, 0)).toBe(6);
      expect([column.nulls, column.nan, column.rows]).toEqual([1, 1, 8]);
    }
  });

  it('counts NaN and infinities apart, and keeps zero-copy chunks joinable', () => {
    const column = new NumericColumn();
    column.append(
      sliced(
        [0, 1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2],
        new Float64(),
      ),
    );
    column.append(sliced([0, 3, 4], new Float64()));
    expect([...column.values()]).toEqual([1, 2, 3, 4]);
    expect([
      column.nan,
      column.positiveInfinity,
      column.negativeInfinity,
      column.nonFinite,
    ]).toEqual([1, 1, 1, 3]);
    expect(column.valueChunks().length).toBe(1);
  });

  it('reads dates and timestamps as epoch milliseconds', () => {
    const days = new NumericColumn();
    days.append(sliced([new Date(0), new Date(Date.UTC(2024, 0, 2))], new DateDay(), 0));
    expect([...days.values()]).toEqual([0, Date.UTC(2024, 0, 2)]);
    const seconds = new NumericColumn();
    // The builder takes milliseconds and stores seconds; reading converts back.
    seconds.append(sliced([0, 1_700_000_000_000], new TimestampSecond(), 0));
    expect([...seconds.values()]).toEqual([0, 1_700_000_000_000]);
  });
});

describe('strings and categories', () => {
  it('decodes Utf8, LargeUtf8 and dictionary chunks, skipping nulls', () => {
    for (const type of [new Utf8(), new LargeUtf8(), new Dictionary(new Utf8(), new Int32())]) {
      const seen: [string, number][] = [];
      forEachString(sliced(['skip', 'a', null, 'ünïcode', ''], type), (value, row) =>
        seen.push([value, row]),
      );
      expect(seen, String(type)).toEqual([
        ['a', 0],
        ['ünïcode', 2],
        ['', 3],
      ]);
    }
  });

  it('counts categories of dictionary, string, boolean and integer columns', () => {
    const count = (values: unknown[], type: DataType) => {
      const counter = new CategoryCounter();
      counter.append(sliced(values, type, 0));
      return [Object.fromEntries(counter.counts), counter.nulls];
    };
    expect(count(['a', 'b', null, 'a'], new Dictionary(new Utf8(), new Int8()))).toEqual([
      { a: 2, b: 1 },
      1,
    ]);
    expect(count(['x', null, 'x'], new Utf8())).toEqual([{ x: 2 }, 1]);
    expect(count([true, false, null, true], new Bool())).toEqual([{ true: 2, false: 1 }, 1]);
    expect(count([3, 3, null, 4], new Int32())).toEqual([{ 3: 2, 4: 1 }, 1]);
  });
});
