/** A tiny pickle assembler for tests: bytes are built, never loaded. */
const enc = new TextEncoder();

export type Part = number | number[] | Uint8Array | string;

/** Concatenates parts; a string is written as ASCII/UTF-8 bytes. */
export function asm(...parts: Part[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'number') out.push(p);
    else if (typeof p === 'string') out.push(...enc.encode(p));
    else out.push(...p);
  }
  return Uint8Array.from(out);
}

const u32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];

export const P = {
  proto: (n: number) => [0x80, n],
  frame: (n: number) => [0x95, ...u32(n), 0, 0, 0, 0],
  sbu: (s: string) => {
    const b = enc.encode(s);
    return [0x8c, b.length, ...b];
  },
  binunicode: (s: string) => {
    const b = enc.encode(s);
    return [0x58, ...u32(b.length), ...b];
  },
  unicode: (s: string) => [0x56, ...enc.encode(s), 0x0a],
  string: (s: string) => [0x53, 0x27, ...enc.encode(s), 0x27, 0x0a],
  binbytes: (b: Uint8Array) => [0x42, ...u32(b.length), ...b],
  global: (m: string, n: string) => [0x63, ...enc.encode(`${m}\n${n}\n`)],
  inst: (m: string, n: string) => [0x69, ...enc.encode(`${m}\n${n}\n`)],
  stackGlobal: (m: string, n: string) => [...P.sbu(m), ...P.sbu(n), 0x93],
  binint1: (n: number) => [0x4b, n],
  binput: (n: number) => [0x71, n],
  binget: (n: number) => [0x68, n],
  put: (n: number) => [0x70, ...enc.encode(`${n}\n`)],
  get: (n: number) => [0x67, ...enc.encode(`${n}\n`)],
  MARK: 0x28,
  TUPLE: 0x74,
  TUPLE1: 0x85,
  TUPLE2: 0x86,
  EMPTY_TUPLE: 0x29,
  EMPTY_DICT: 0x7d,
  EMPTY_LIST: 0x5d,
  REDUCE: 0x52,
  BUILD: 0x62,
  OBJ: 0x6f,
  NEWOBJ: 0x81,
  NEWOBJ_EX: 0x92,
  STACK_GLOBAL: 0x93,
  MEMOIZE: 0x94,
  POP: 0x30,
  DUP: 0x32,
  NONE: 0x4e,
  SETITEM: 0x73,
  APPEND: 0x61,
  BINPERSID: 0x51,
  STOP: 0x2e,
};

/** `module.name("canary")` as a complete protocol-2 pickle. */
export function payload(module: string, name: string): Uint8Array {
  return asm(
    P.proto(2),
    P.global(module, name),
    P.MARK,
    P.binunicode('MLWARDEN_CANARY'),
    P.TUPLE,
    P.REDUCE,
    P.STOP,
  );
}
