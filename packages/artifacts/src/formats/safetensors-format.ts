import type { Source } from '../scan/source.js';
import { utf8 } from './_read-bounded.js';
import type { FormatHandler } from './format-handler.js';

/** The reference implementation's limit on the JSON header. */
const MAX_HEADER = 100_000_000;
/** Bits per element of every dtype safetensors defines. */
const DTYPE_BITS: Record<string, number> = {
  BOOL: 8,
  U8: 8,
  I8: 8,
  F8_E5M2: 8,
  F8_E4M3: 8,
  F8_E8M0: 8,
  F4: 4,
  F6_E2M3: 6,
  F6_E3M2: 6,
  I16: 16,
  U16: 16,
  F16: 16,
  BF16: 16,
  I32: 32,
  U32: 32,
  F32: 32,
  C64: 64,
  I64: 64,
  U64: 64,
  F64: 64,
};

function headerLength(head: Uint8Array): bigint | undefined {
  if (head.length < 9) return undefined;
  return Buffer.from(head.buffer, head.byteOffset, 8).readBigUInt64LE(0);
}

interface Tensor {
  name: string;
  begin: number;
  end: number;
}

/**
 * safetensors: an 8-byte little-endian header length, a JSON header, then the tensor data. The
 * format holds no code; the scanner validates the header the way the reference implementation
 * does (and a little stricter), because a header that loaders read differently is a way to hide
 * content or crash them: length bounds, UTF-8 JSON, known dtypes, shapes matching byte ranges,
 * sorted contiguous non-overlapping offsets covering exactly the data, string `__metadata__`.
 */
export const safetensorsFormat: FormatHandler = {
  format: 'safetensors',
  sniff(source) {
    // The JSON header's brace first: it rules out most content without reading the length.
    if (source.head[8] !== 0x7b) return false;
    const n = headerLength(source.head);
    if (n === undefined || n < 2n || n > BigInt(MAX_HEADER)) return false;
    return 'start';
  },
  async scan(source, unit) {
    const n = Number(headerLength(source.head));
    const problems = new Set<string>();
    const problem = (text: string) => {
      if (problems.size < 20) problems.add(text);
    };
    let header: unknown;
    if (source.size !== undefined && 8 + n > source.size) {
      problem(`header of ${n} bytes runs past the end of the ${source.size}-byte file`);
    } else {
      const bytes = await readRange(source, 8, 8 + n);
      const text = bytes === undefined ? undefined : utf8(bytes);
      try {
        if (text === undefined) throw new Error('the header is truncated or not UTF-8');
        header = JSON.parse(text);
      } catch (error) {
        problem(`header is not valid JSON: ${error instanceof Error ? error.message : error}`);
      }
    }
    const tensors: Tensor[] = [];
    if (header !== undefined) {
      if (typeof header !== 'object' || header === null || Array.isArray(header)) {
        problem('header is not a JSON object');
      } else {
        for (const [name, info] of Object.entries(header)) {
          if (name === '__metadata__') {
            checkMetadata(info, problem);
            continue;
          }
          const t = checkTensor(name, info, problem);
          if (t !== undefined) tensors.push(t);
        }
      }
    }
    tensors.sort((a, b) => a.begin - b.begin || a.end - b.end);
    let expected = 0;
    for (const t of tensors) {
      if (t.begin < expected) problem(`tensor ${t.name} overlaps the previous one`);
      else if (t.begin > expected) problem(`gap before tensor ${t.name} (offset ${expected})`);
      expected = Math.max(expected, t.end);
    }
    if (source.size !== undefined && header !== undefined && 8 + n + expected !== source.size) {
      const data = source.size - 8 - n;
      problem(
        8 + n + expected > source.size
          ? `tensors reach byte ${expected} of a data section of ${data} bytes (out of range)`
          : `${data - expected} bytes after the last tensor are not part of any tensor`,
      );
    }
    for (const message of problems) {
      unit.report({
        rule: 'malformed-header',
        severity: 'medium',
        message: `safetensors: ${message}`,
        evidence: { headerBytes: n },
      });
    }
  },
};

async function readRange(source: Source, start: number, end: number) {
  if (source.read !== undefined) return source.read(start, end);
  if (end <= source.head.length) return source.head.subarray(start, end);
  const out = new Uint8Array(end - start);
  let at = 0;
  for await (const chunk of source.stream(start)) {
    const part = chunk.subarray(0, out.length - at);
    out.set(part, at);
    at += part.length;
    if (at >= out.length) break;
  }
  return at === out.length ? out : undefined;
}

function checkMetadata(info: unknown, problem: (t: string) => void): void {
  if (typeof info !== 'object' || info === null || Array.isArray(info)) {
    problem('__metadata__ is not an object of strings');
    return;
  }
  for (const [key, value] of Object.entries(info)) {
    if (typeof value !== 'string') problem(`__metadata__.${key} is not a string`);
  }
}

function checkTensor(
  name: string,
  info: unknown,
  problem: (t: string) => void,
): Tensor | undefined {
  if (typeof info !== 'object' || info === null || Array.isArray(info)) {
    problem(`tensor ${name} is not an object`);
    return undefined;
  }
  const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
  const bits = typeof dtype === 'string' ? DTYPE_BITS[dtype] : undefined;
  if (bits === undefined) problem(`tensor ${name} has unknown dtype ${JSON.stringify(dtype)}`);
  const dims = Array.isArray(shape) ? shape : undefined;
  if (dims === undefined || !dims.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    problem(`tensor ${name} has an invalid shape`);
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && (o as number) >= 0) ||
    (offsets[0] as number) > (offsets[1] as number)
  ) {
    problem(`tensor ${name} has invalid data_offsets`);
    return undefined;
  }
  const [begin, end] = offsets as [number, number];
  if (bits !== undefined && dims !== undefined) {
    let total = BigInt(bits);
    for (const d of dims) total *= BigInt(d as number);
    if (total % 8n !== 0n) problem(`tensor ${name} does not fill whole bytes`);
    else if (total / 8n !== BigInt(end - begin)) {
      problem(`tensor ${name} spans ${end - begin} bytes, its shape and dtype need ${total / 8n}`);
    }
  }
  return { name, begin, end };
}
