import { createHash } from 'node:crypto';
import { ByteReader } from '../io/_byte-reader.js';
import {
  decodeLong,
  escapeDecode,
  isAscii,
  latin1,
  parsePyFloat,
  parsePyInt,
  rawUnicodeEscape,
  utf8SurrogatePass,
} from './_text.js';
import type { OpTrace } from './pickle-machine.js';
import { PickleMachine } from './pickle-machine.js';

/** An opcode argument as `pickletools.genops` decodes it, in a JSON-safe form. */
export type GenopsArg =
  | null
  | { int: string }
  | { bool: boolean }
  | { float: string }
  | { str: string }
  | { bytes: string }
  | { bytesLen: number; sha256: string };

export interface DisassembledOp {
  pos: number;
  name: string;
  arg: GenopsArg;
}

export interface DisassembledStream {
  ops: DisassembledOp[];
  /** Position of the opcode `genops` fails on, when it fails. */
  error?: number;
}

const MAX_INLINE_BYTES_ARG = 256;

function bytesArg(b: Uint8Array): GenopsArg {
  if (b.length <= MAX_INLINE_BYTES_ARG) return { bytes: Buffer.from(b).toString('hex') };
  return { bytesLen: b.length, sha256: createHash('sha256').update(b).digest('hex') };
}

function le(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i] as number);
  return v;
}

/** `read_stringnl(..., decode=True)`: escape-decode then ASCII, as pickletools does. */
function stringnl(raw: Uint8Array, stripQuotes: boolean): string {
  let data = raw;
  if (stripQuotes) {
    const q = data[0];
    if (q !== 0x22 && q !== 0x27) throw new Error('no string quotes');
    if (data.length < 2 || data[data.length - 1] !== q)
      throw new Error('string quote not at both ends');
    data = data.subarray(1, data.length - 1);
  }
  const decoded = escapeDecode(data);
  if (!isAscii(decoded)) throw new Error('not ASCII');
  return latin1(decoded);
}

function float64Hex(v: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  return Buffer.from(view.buffer).toString('hex');
}

/** The argument `genops` would produce for this opcode; throws where `genops` raises. */
export function genopsArg(op: OpTrace): GenopsArg {
  const raw = op.raw;
  const kind = op.info.arg;
  if (kind === 'none') return null;
  if (raw === undefined) {
    if (op.skipped !== undefined) return { bytesLen: op.skipped, sha256: '' };
    throw new Error(`no argument recorded for ${op.info.name}`);
  }
  switch (kind) {
    case 'uint1':
    case 'uint2':
    case 'uint4':
    case 'uint8':
      return { int: le(raw).toString() };
    case 'int4': {
      const u = le(raw);
      return { int: (u >= 0x80000000n ? u - 0x100000000n : u).toString() };
    }
    case 'long1':
    case 'long4':
      return { int: decodeLong(raw).toString() };
    case 'float8':
      return { float: Buffer.from(raw).toString('hex') };
    case 'decimalnl_short': {
      const s = latin1(raw);
      if (s === '00') return { bool: false };
      if (s === '01') return { bool: true };
      const v = parsePyInt(s);
      if (v === undefined) throw new Error('invalid literal for int()');
      return { int: v.toString() };
    }
    case 'decimalnl_long': {
      let s = latin1(raw);
      if (s.endsWith('L')) s = s.slice(0, -1);
      const v = parsePyInt(s);
      if (v === undefined) throw new Error('invalid literal for int()');
      return { int: v.toString() };
    }
    case 'floatnl': {
      const v = parsePyFloat(latin1(raw));
      if (v === undefined) throw new Error('could not convert string to float');
      return { float: float64Hex(v) };
    }
    case 'stringnl':
      return { str: stringnl(raw, true) };
    case 'stringnl_noescape':
      return { str: stringnl(raw, false) };
    case 'stringnl_noescape_pair': {
      if (op.raw2 === undefined) throw new Error('missing second line');
      return { str: `${stringnl(raw, false)} ${stringnl(op.raw2, false)}` };
    }
    case 'unicodestringnl':
      return { str: rawUnicodeEscape(raw) };
    case 'string1':
    case 'string4':
      return { str: latin1(raw) };
    case 'bytes1':
    case 'bytes4':
    case 'bytes8':
    case 'bytearray8':
      return bytesArg(raw);
    case 'unicodestring1':
    case 'unicodestring4':
    case 'unicodestring8':
      return { str: utf8SurrogatePass(raw) };
  }
}

/**
 * Lists the opcodes of every concatenated pickle stream in `bytes`, the way Python's
 * `pickletools.genops` would, stopping at the first stream `genops` cannot decode. Nothing is
 * executed.
 */
export async function disassemble(bytes: Uint8Array): Promise<DisassembledStream[]> {
  const reader = ByteReader.fromBytes(bytes);
  const streams: DisassembledStream[] = [];
  let current: DisassembledStream = { ops: [] };
  let failedAt: number | undefined;
  const machine = new PickleMachine(
    reader,
    {
      onImport: () => undefined,
      onCall: () => undefined,
      onIssue: () => undefined,
      onOp: (op) => {
        if (failedAt !== undefined) return;
        try {
          current.ops.push({ pos: op.pos, name: op.info.name, arg: genopsArg(op) });
        } catch {
          failedAt = op.pos;
        }
      },
    },
    { trace: true, limits: { maxOpcodes: Number.MAX_SAFE_INTEGER } },
  );
  for (;;) {
    failedAt = undefined;
    current = { ops: [] };
    const end = await machine.runStream();
    if (end.kind === 'empty') break;
    streams.push(current);
    if (failedAt !== undefined) {
      current.error = failedAt;
      break;
    }
    if (end.kind !== 'stop') {
      current.error = end.end;
      break;
    }
  }
  return streams;
}
