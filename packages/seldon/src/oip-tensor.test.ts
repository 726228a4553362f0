import { describe, expect, it } from 'vitest';
import { decodeOutput, encodeInput, OIP_DATATYPES, stringifyWithBigInts } from './oip-tensor.js';

describe('encodeInput', () => {
  it('encodes a value of every datatype', () => {
    const samples: Record<(typeof OIP_DATATYPES)[number], unknown[]> = {
      BOOL: [true, false],
      UINT8: [0, 255],
      UINT16: [0, 65_535],
      UINT32: [0, 4_294_967_295],
      UINT64: [0, 18_446_744_073_709_551_615n],
      INT8: [-128, 127],
      INT16: [-32_768, 32_767],
      INT32: [-2_147_483_648, 2_147_483_647],
      INT64: [-9_223_372_036_854_775_808n, 42],
      FP16: [1.5, -65_504],
      FP32: [0.25, 3.4e38],
      FP64: [1e-300, 1e300],
      BYTES: ['héllo', new Uint8Array([0, 255])],
    };
    for (const datatype of OIP_DATATYPES) {
      const encoded = encodeInput({
        name: 'x',
        shape: [2],
        datatype,
        data: samples[datatype] as never,
      });
      expect(encoded.datatype).toBe(datatype);
      expect((encoded.data as unknown[]).length).toBe(2);
    }
    const bytes = encodeInput({
      name: 'b',
      shape: [1],
      datatype: 'BYTES',
      data: [new Uint8Array([0, 255])],
    });
    expect(bytes.data).toEqual(['AP8=']);
    expect(bytes.parameters).toEqual({ content_type: 'base64' });
  });

  it('flattens nested data and checks it against the shape', () => {
    expect(
      encodeInput({
        name: 'x',
        shape: [2, 2],
        datatype: 'FP32',
        data: [
          [1, 2],
          [3, 4],
        ],
      }).data,
    ).toEqual([1, 2, 3, 4]);
    expect(() =>
      encodeInput({ name: 'x', shape: [2, 2], datatype: 'FP32', data: [1, 2, 3] }),
    ).toThrow(/needs 4 elements, data has 3/);
  });

  it('refuses values JSON cannot carry or the datatype cannot hold', () => {
    expect(() =>
      encodeInput({ name: 'x', shape: [1], datatype: 'FP64', data: [Number.NaN] }),
    ).toThrow(/finite/);
    expect(() =>
      encodeInput({ name: 'x', shape: [1], datatype: 'FP32', data: [Number.POSITIVE_INFINITY] }),
    ).toThrow(/finite/);
    expect(() => encodeInput({ name: 'x', shape: [1], datatype: 'FP16', data: [70_000] })).toThrow(
      /overflows FP16/,
    );
    expect(() => encodeInput({ name: 'x', shape: [1], datatype: 'UINT8', data: [256] })).toThrow(
      /outside the range/,
    );
    expect(() => encodeInput({ name: 'x', shape: [1], datatype: 'INT32', data: [1.5] })).toThrow(
      /integer/,
    );
    expect(() => encodeInput({ name: 'x', shape: [1], datatype: 'BOOL', data: [1] })).toThrow(
      /boolean/,
    );
    expect(() =>
      encodeInput({ name: 'x', shape: [1], datatype: 'FP8' as never, data: [1] }),
    ).toThrow(/unknown datatype/);
    expect(() => encodeInput({ name: 'x', shape: [-1], datatype: 'FP32', data: [1] })).toThrow(
      /invalid dimension/,
    );
  });
});

describe('stringifyWithBigInts', () => {
  it('writes large integers as exact JSON numbers', () => {
    const text = stringifyWithBigInts({
      data: [18_446_744_073_709_551_615n, -9_223_372_036_854_775_808n, 'x'],
    });
    expect(text).toBe('{"data":[18446744073709551615,-9223372036854775808,"x"]}');
  });
});

describe('decodeOutput', () => {
  const url = 'http://h';
  it('accepts a well-formed output and flattens nested data', () => {
    const out = decodeOutput(
      {
        name: 'p',
        shape: [2, 2],
        datatype: 'FP64',
        data: [
          [0.1, 0.9],
          [0.5, 0.5],
        ],
      },
      url,
    );
    expect(out.data).toEqual([0.1, 0.9, 0.5, 0.5]);
  });
  it.each([
    [
      { name: 'p', shape: [2, 3], datatype: 'FP64', data: [1, 2] },
      /shape \[2, 3\] \(6 elements\) but 2/,
    ],
    [{ name: 'p', shape: [1], datatype: 'INT64', data: [0.5] }, /not a INT64 value/],
    [{ name: 'p', shape: [1], datatype: 'BYTES', data: [1] }, /not a BYTES value/],
    [{ name: 'p', shape: [1], datatype: 'FLOAT', data: [1] }, /unknown datatype/],
    [{ name: 'p', shape: [-1], datatype: 'FP32', data: [1] }, /invalid shape/],
    [{ shape: [1], datatype: 'FP32', data: [1] }, /no name/],
    [
      { name: 'p', shape: [1], datatype: 'FP32', parameters: { binary_data_size: 4 } },
      /binary extension/,
    ],
  ])('rejects %j', (raw, message) => {
    expect(() => decodeOutput(raw, url)).toThrow(message);
  });
});
