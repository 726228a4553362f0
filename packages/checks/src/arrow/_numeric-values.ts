import { type Data, Type } from 'apache-arrow';
import { isHalfFloat, millisecondsPerUnit } from './_column-kind.js';

const TWO_32 = 4294967296;

/** 64-bit integers as doubles (exact up to 2^53), read through a 32-bit view of the buffer. */
function int64ToFloat64(values: BigInt64Array | BigUint64Array, signed: boolean, scale: number) {
  const n = values.length;
  const words = new Int32Array(values.buffer, values.byteOffset, n * 2);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const lo = (words[2 * i] as number) >>> 0;
    const hiWord = words[2 * i + 1] as number;
    const hi = signed ? hiWord : hiWord >>> 0;
    out[i] = (hi * TWO_32 + lo) * scale;
  }
  return out;
}

function halfToFloat64(values: Uint16Array): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const h = values[i] as number;
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const fraction = h & 0x3ff;
    out[i] =
      exponent === 0
        ? sign * 2 ** -14 * (fraction / 1024)
        : exponent === 31
          ? fraction === 0
            ? sign * Number.POSITIVE_INFINITY
            : Number.NaN
          : sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
  }
  return out;
}

function scaled(values: ArrayLike<number>, scale: number): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = (values[i] as number) * scale;
  return out;
}

/**
 * The values of a numeric or temporal chunk as numbers, row i at index i (null rows hold arbitrary
 * values: check validity). Float32/64 and 8–32-bit integers are returned without copying; 64-bit
 * integers, half floats and temporal values (converted to milliseconds since the epoch) are copied.
 */
export function numericValues(data: Data): ArrayLike<number> {
  const type = data.type;
  const values = data.values as ArrayLike<number> | BigInt64Array | BigUint64Array;
  if (type.typeId === Type.Float) {
    return isHalfFloat(type) ? halfToFloat64(values as Uint16Array) : (values as Float64Array);
  }
  if (type.typeId === Type.Int) {
    if (values instanceof BigInt64Array) return int64ToFloat64(values, true, 1);
    if (values instanceof BigUint64Array) return int64ToFloat64(values, false, 1);
    return values as ArrayLike<number>;
  }
  if (type.typeId === Type.Date || type.typeId === Type.Timestamp) {
    const scale = millisecondsPerUnit(type);
    if (values instanceof BigInt64Array) return int64ToFloat64(values, true, scale);
    if (values instanceof BigUint64Array) return int64ToFloat64(values, false, scale);
    return scaled(values as ArrayLike<number>, scale);
  }
  throw new TypeError(`not a numeric Arrow type: ${String(type)}`);
}
