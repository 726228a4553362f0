/**
 * The pickle opcodes of protocols 0–5, as CPython's `pickletools` names them, with the kind of
 * argument each carries in the byte stream.
 */
export type ArgKind =
  | 'none'
  | 'uint1'
  | 'uint2'
  | 'uint4'
  | 'uint8'
  | 'int4'
  | 'long1'
  | 'long4'
  | 'float8'
  | 'decimalnl_short'
  | 'decimalnl_long'
  | 'floatnl'
  | 'stringnl'
  | 'stringnl_noescape'
  | 'stringnl_noescape_pair'
  | 'unicodestringnl'
  | 'string1'
  | 'string4'
  | 'bytes1'
  | 'bytes4'
  | 'bytes8'
  | 'bytearray8'
  | 'unicodestring1'
  | 'unicodestring4'
  | 'unicodestring8';

export interface OpcodeInfo {
  readonly code: number;
  readonly name: string;
  readonly arg: ArgKind;
  /** Protocol that introduced the opcode. */
  readonly proto: number;
}

const TABLE: [string, string, ArgKind, number][] = [
  ['I', 'INT', 'decimalnl_short', 0],
  ['J', 'BININT', 'int4', 1],
  ['K', 'BININT1', 'uint1', 1],
  ['M', 'BININT2', 'uint2', 1],
  ['L', 'LONG', 'decimalnl_long', 0],
  ['\x8a', 'LONG1', 'long1', 2],
  ['\x8b', 'LONG4', 'long4', 2],
  ['S', 'STRING', 'stringnl', 0],
  ['T', 'BINSTRING', 'string4', 1],
  ['U', 'SHORT_BINSTRING', 'string1', 1],
  ['B', 'BINBYTES', 'bytes4', 3],
  ['C', 'SHORT_BINBYTES', 'bytes1', 3],
  ['\x8e', 'BINBYTES8', 'bytes8', 4],
  ['\x96', 'BYTEARRAY8', 'bytearray8', 5],
  ['\x97', 'NEXT_BUFFER', 'none', 5],
  ['\x98', 'READONLY_BUFFER', 'none', 5],
  ['N', 'NONE', 'none', 0],
  ['\x88', 'NEWTRUE', 'none', 2],
  ['\x89', 'NEWFALSE', 'none', 2],
  ['V', 'UNICODE', 'unicodestringnl', 0],
  ['\x8c', 'SHORT_BINUNICODE', 'unicodestring1', 4],
  ['X', 'BINUNICODE', 'unicodestring4', 1],
  ['\x8d', 'BINUNICODE8', 'unicodestring8', 4],
  ['F', 'FLOAT', 'floatnl', 0],
  ['G', 'BINFLOAT', 'float8', 1],
  [']', 'EMPTY_LIST', 'none', 1],
  ['a', 'APPEND', 'none', 0],
  ['e', 'APPENDS', 'none', 1],
  ['l', 'LIST', 'none', 0],
  [')', 'EMPTY_TUPLE', 'none', 1],
  ['t', 'TUPLE', 'none', 0],
  ['\x85', 'TUPLE1', 'none', 2],
  ['\x86', 'TUPLE2', 'none', 2],
  ['\x87', 'TUPLE3', 'none', 2],
  ['}', 'EMPTY_DICT', 'none', 1],
  ['d', 'DICT', 'none', 0],
  ['s', 'SETITEM', 'none', 0],
  ['u', 'SETITEMS', 'none', 1],
  ['\x8f', 'EMPTY_SET', 'none', 4],
  ['\x90', 'ADDITEMS', 'none', 4],
  ['\x91', 'FROZENSET', 'none', 4],
  ['0', 'POP', 'none', 0],
  ['2', 'DUP', 'none', 0],
  ['(', 'MARK', 'none', 0],
  ['1', 'POP_MARK', 'none', 1],
  ['g', 'GET', 'decimalnl_short', 0],
  ['h', 'BINGET', 'uint1', 1],
  ['j', 'LONG_BINGET', 'uint4', 1],
  ['p', 'PUT', 'decimalnl_short', 0],
  ['q', 'BINPUT', 'uint1', 1],
  ['r', 'LONG_BINPUT', 'uint4', 1],
  ['\x94', 'MEMOIZE', 'none', 4],
  ['\x82', 'EXT1', 'uint1', 2],
  ['\x83', 'EXT2', 'uint2', 2],
  ['\x84', 'EXT4', 'int4', 2],
  ['c', 'GLOBAL', 'stringnl_noescape_pair', 0],
  ['\x93', 'STACK_GLOBAL', 'none', 4],
  ['R', 'REDUCE', 'none', 0],
  ['b', 'BUILD', 'none', 0],
  ['i', 'INST', 'stringnl_noescape_pair', 0],
  ['o', 'OBJ', 'none', 1],
  ['\x81', 'NEWOBJ', 'none', 2],
  ['\x92', 'NEWOBJ_EX', 'none', 4],
  ['\x80', 'PROTO', 'uint1', 2],
  ['.', 'STOP', 'none', 0],
  ['\x95', 'FRAME', 'uint8', 4],
  ['P', 'PERSID', 'stringnl_noescape', 0],
  ['Q', 'BINPERSID', 'none', 1],
];

/** Opcode info by byte value; `undefined` for bytes that are not opcodes. */
export const OPCODES: readonly (OpcodeInfo | undefined)[] = (() => {
  const table: (OpcodeInfo | undefined)[] = new Array(256).fill(undefined);
  for (const [char, name, arg, proto] of TABLE) {
    const code = char.charCodeAt(0);
    table[code] = { code, name, arg, proto };
  }
  return table;
})();

/** Byte values of the opcodes the machine dispatches on. */
export const OP = {
  INT: 0x49,
  BININT: 0x4a,
  BININT1: 0x4b,
  BININT2: 0x4d,
  LONG: 0x4c,
  LONG1: 0x8a,
  LONG4: 0x8b,
  STRING: 0x53,
  BINSTRING: 0x54,
  SHORT_BINSTRING: 0x55,
  BINBYTES: 0x42,
  SHORT_BINBYTES: 0x43,
  BINBYTES8: 0x8e,
  BYTEARRAY8: 0x96,
  NEXT_BUFFER: 0x97,
  READONLY_BUFFER: 0x98,
  NONE: 0x4e,
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  UNICODE: 0x56,
  SHORT_BINUNICODE: 0x8c,
  BINUNICODE: 0x58,
  BINUNICODE8: 0x8d,
  FLOAT: 0x46,
  BINFLOAT: 0x47,
  EMPTY_LIST: 0x5d,
  APPEND: 0x61,
  APPENDS: 0x65,
  LIST: 0x6c,
  EMPTY_TUPLE: 0x29,
  TUPLE: 0x74,
  TUPLE1: 0x85,
  TUPLE2: 0x86,
  TUPLE3: 0x87,
  EMPTY_DICT: 0x7d,
  DICT: 0x64,
  SETITEM: 0x73,
  SETITEMS: 0x75,
  EMPTY_SET: 0x8f,
  ADDITEMS: 0x90,
  FROZENSET: 0x91,
  POP: 0x30,
  DUP: 0x32,
  MARK: 0x28,
  POP_MARK: 0x31,
  GET: 0x67,
  BINGET: 0x68,
  LONG_BINGET: 0x6a,
  PUT: 0x70,
  BINPUT: 0x71,
  LONG_BINPUT: 0x72,
  MEMOIZE: 0x94,
  EXT1: 0x82,
  EXT2: 0x83,
  EXT4: 0x84,
  GLOBAL: 0x63,
  STACK_GLOBAL: 0x93,
  REDUCE: 0x52,
  BUILD: 0x62,
  INST: 0x69,
  OBJ: 0x6f,
  NEWOBJ: 0x81,
  NEWOBJ_EX: 0x92,
  PROTO: 0x80,
  STOP: 0x2e,
  FRAME: 0x95,
  PERSID: 0x50,
  BINPERSID: 0x51,
} as const;

/** Highest pickle protocol this scanner knows. */
export const HIGHEST_PROTOCOL = 5;
