import { EndpointError } from './endpoint-error.js';

/** Tensor datatypes of the Open Inference Protocol (KServe V2). */
export const OIP_DATATYPES = [
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
  'BYTES',
] as const;

export type OipDatatype = (typeof OIP_DATATYPES)[number];

/** One element of a tensor as the JSON encoding carries it. */
export type OipElement = number | bigint | boolean | string | Uint8Array;

export type OipParameters = Record<string, string | number | boolean>;

/** A request input. `data` is flat and row-major (nested arrays are flattened). */
export interface OipInputTensor {
  name: string;
  shape: readonly number[];
  datatype: OipDatatype;
  data: ArrayLike<OipElement> | readonly unknown[];
  parameters?: OipParameters;
}

/** A response output, checked against its declared shape and datatype. */
export interface OipOutputTensor {
  name: string;
  shape: number[];
  datatype: OipDatatype;
  data: Array<number | boolean | string>;
  parameters?: OipParameters;
}

const INT_RANGES: Partial<Record<OipDatatype, [bigint, bigint]>> = {
  UINT8: [0n, 255n],
  UINT16: [0n, 65_535n],
  UINT32: [0n, 4_294_967_295n],
  UINT64: [0n, 18_446_744_073_709_551_615n],
  INT8: [-128n, 127n],
  INT16: [-32_768n, 32_767n],
  INT32: [-2_147_483_648n, 2_147_483_647n],
  INT64: [-9_223_372_036_854_775_808n, 9_223_372_036_854_775_807n],
};

const FLOAT_MAX: Partial<Record<OipDatatype, number>> = {
  FP16: 65_504,
  FP32: 3.4028234663852886e38,
  FP64: Number.MAX_VALUE,
};

export function isOipDatatype(value: unknown): value is OipDatatype {
  return typeof value === 'string' && (OIP_DATATYPES as readonly string[]).includes(value);
}

/** Product of the dimensions; throws for negative or fractional ones. */
export function elementCount(shape: readonly number[], what: string): number {
  let count = 1;
  for (const dim of shape) {
    if (!Number.isInteger(dim) || dim < 0) {
      throw new EndpointError(
        'bad-request',
        `${what}: shape [${shape.join(', ')}] has an invalid dimension ${dim}`,
      );
    }
    count *= dim;
  }
  return count;
}

function flatten(data: ArrayLike<unknown>, out: unknown[], depth = 0): void {
  if (depth > 32)
    throw new EndpointError('bad-request', 'tensor data is nested more than 32 levels deep');
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (Array.isArray(v)) flatten(v, out, depth + 1);
    else out.push(v);
  }
}

function encodeElement(value: unknown, datatype: OipDatatype, where: string): unknown {
  if (datatype === 'BOOL') {
    if (typeof value !== 'boolean')
      throw new EndpointError('bad-request', `${where} must be a boolean for BOOL`);
    return value;
  }
  if (datatype === 'BYTES') {
    if (typeof value === 'string') return value;
    if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
    throw new EndpointError('bad-request', `${where} must be a string or Uint8Array for BYTES`);
  }
  const range = INT_RANGES[datatype];
  if (range) {
    const big =
      typeof value === 'bigint'
        ? value
        : typeof value === 'number' && Number.isInteger(value)
          ? BigInt(value)
          : undefined;
    if (big === undefined)
      throw new EndpointError('bad-request', `${where} must be an integer for ${datatype}`);
    if (big < range[0] || big > range[1]) {
      throw new EndpointError(
        'bad-request',
        `${where} = ${big} is outside the range of ${datatype}`,
      );
    }
    return typeof value === 'bigint' &&
      (big > 9_007_199_254_740_991n || big < -9_007_199_254_740_991n)
      ? big
      : Number(big);
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new EndpointError(
      'bad-request',
      `${where} must be a finite number for ${datatype}; JSON cannot carry NaN or Infinity`,
    );
  }
  const max = FLOAT_MAX[datatype] ?? Number.MAX_VALUE;
  if (Math.abs(value) > max)
    throw new EndpointError('bad-request', `${where} = ${value} overflows ${datatype}`);
  return value;
}

/** Checks an input tensor and returns its JSON form (flat data). */
export function encodeInput(tensor: OipInputTensor): Record<string, unknown> {
  const where = `input "${tensor.name}"`;
  if (!isOipDatatype(tensor.datatype)) {
    throw new EndpointError(
      'bad-request',
      `${where}: unknown datatype ${String(tensor.datatype)}; use one of ${OIP_DATATYPES.join(', ')}`,
    );
  }
  const flat: unknown[] = [];
  flatten(tensor.data as ArrayLike<unknown>, flat);
  const count = elementCount(tensor.shape, where);
  if (flat.length !== count) {
    throw new EndpointError(
      'bad-request',
      `${where}: shape [${tensor.shape.join(', ')}] needs ${count} elements, data has ${flat.length}`,
    );
  }
  const data = flat.map((v, i) => encodeElement(v, tensor.datatype, `${where}[${i}]`));
  const hasBinary = tensor.datatype === 'BYTES' && flat.some((v) => v instanceof Uint8Array);
  const parameters =
    hasBinary && tensor.parameters?.content_type === undefined
      ? { ...tensor.parameters, content_type: 'base64' }
      : tensor.parameters;
  return {
    name: tensor.name,
    shape: [...tensor.shape],
    datatype: tensor.datatype,
    ...(parameters !== undefined && { parameters }),
    data,
  };
}

/**
 * JSON text of a value that may hold bigints (INT64/UINT64 beyond 2^53), written as plain JSON
 * numbers so no precision is lost.
 */
export function stringifyWithBigInts(value: unknown): string {
  const marker = `@@mlw-bigint-${Math.random().toString(36).slice(2)}@@`;
  let found = false;
  const text = JSON.stringify(value, (_key, v) => {
    if (typeof v === 'bigint') {
      found = true;
      return `${marker}${v.toString()}`;
    }
    return v;
  });
  if (!found) return text;
  return text.replace(new RegExp(`"${marker}(-?\\d+)"`, 'g'), '$1');
}

function checkElement(value: unknown, datatype: OipDatatype): boolean {
  if (datatype === 'BOOL') return typeof value === 'boolean';
  if (datatype === 'BYTES') return typeof value === 'string';
  if (INT_RANGES[datatype]) return typeof value === 'number' && Number.isInteger(value);
  return typeof value === 'number';
}

/** Validates one output tensor of an infer response. */
export function decodeOutput(raw: unknown, url: string): OipOutputTensor {
  const bad = (why: string) =>
    new EndpointError('bad-output', `an output tensor from ${url} is malformed: ${why}`, { url });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('not an object');
  const o = raw as Record<string, unknown>;
  if (typeof o.name !== 'string') throw bad('it has no name');
  const name = o.name;
  if (!isOipDatatype(o.datatype))
    throw bad(`"${name}" has unknown datatype ${JSON.stringify(o.datatype)}`);
  if (!Array.isArray(o.shape) || !o.shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw bad(`"${name}" has an invalid shape ${JSON.stringify(o.shape)}`);
  }
  if (!Array.isArray(o.data)) {
    const binary = (o.parameters as Record<string, unknown> | undefined)?.binary_data_size;
    throw bad(
      binary !== undefined
        ? `"${name}" was sent in the binary extension, which this client does not request`
        : `"${name}" has no data array`,
    );
  }
  const flat: unknown[] = [];
  flatten(o.data, flat);
  const shape = o.shape as number[];
  const count = shape.reduce((a, b) => a * b, 1);
  if (flat.length !== count) {
    throw bad(
      `"${name}" has shape [${shape.join(', ')}] (${count} elements) but ${flat.length} data elements`,
    );
  }
  const datatype = o.datatype;
  const wrong = flat.findIndex((v) => !checkElement(v, datatype));
  if (wrong >= 0)
    throw bad(
      `"${name}" element ${wrong} (${JSON.stringify(flat[wrong])}) is not a ${datatype} value`,
    );
  return {
    name,
    shape,
    datatype,
    data: flat as Array<number | boolean | string>,
    ...(typeof o.parameters === 'object' &&
      o.parameters !== null && { parameters: o.parameters as OipParameters }),
  };
}
