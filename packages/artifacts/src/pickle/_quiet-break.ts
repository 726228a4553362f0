import { OP, OPCODES } from './_opcodes.js';

/** Not an opcode: the machine stops there (invalid opcode). */
const INVALID = -1;
/** An opcode that imports, calls, offers a constant, reads a text line or ends the stream. */
const MATTERS = -2;
/** LONG1 and LONG4: a 1- or 4-byte length, then that many bytes. */
const LONG1 = -3;
const LONG4 = -4;

/**
 * What follows each byte value in a stream that does nothing yet: the width of its fixed argument
 * for the opcodes that only build constants and containers or touch the memo, a marker for the
 * rest. Text-line opcodes (INT, FLOAT, GET…) count as mattering: whether the machine stops at
 * their argument depends on how it parses it.
 */
const ARGUMENT = (() => {
  const table = new Int8Array(256).fill(INVALID);
  for (let code = 0; code < 256; code++) if (OPCODES[code] !== undefined) table[code] = MATTERS;
  const none = [
    OP.NONE,
    OP.NEWTRUE,
    OP.NEWFALSE,
    OP.EMPTY_LIST,
    OP.APPEND,
    OP.APPENDS,
    OP.LIST,
    OP.EMPTY_TUPLE,
    OP.TUPLE,
    OP.TUPLE1,
    OP.TUPLE2,
    OP.TUPLE3,
    OP.EMPTY_DICT,
    OP.DICT,
    OP.SETITEM,
    OP.SETITEMS,
    OP.EMPTY_SET,
    OP.ADDITEMS,
    OP.FROZENSET,
    OP.POP,
    OP.DUP,
    OP.MARK,
    OP.POP_MARK,
    OP.MEMOIZE,
  ];
  for (const code of none) table[code] = 0;
  for (const code of [OP.PROTO, OP.BININT1, OP.BINGET, OP.BINPUT]) table[code] = 1;
  table[OP.BININT2] = 2;
  for (const code of [OP.BININT, OP.LONG_BINGET, OP.LONG_BINPUT]) table[code] = 4;
  for (const code of [OP.FRAME, OP.BINFLOAT]) table[code] = 8;
  table[OP.LONG1] = LONG1;
  table[OP.LONG4] = LONG4;
  return table;
})();

/** Content up to this size is checked; longer content is always parsed. */
const MAX_CHECKED = 64 * 1024;

/**
 * Whether a trial parse of `bytes` (one pickle stream from offset 0, in memory) certainly finds
 * nothing: the machine stops at an invalid opcode or at the end of the input before any opcode
 * that imports, calls, persists an id, offers a constant as a nested pickle or reaches STOP. Such a
 * trial is never committed and reports nothing (a stream without imports or calls holds only
 * numbers and containers), so it need not run. Returns undefined when the trial might matter,
 * else whether the machine's reader would have asked for bytes past the end (which is when a
 * zip member's CRC is checked). `below` is the smallest opcode, stack, memo and stream limit: a
 * stream shorter than it cannot hit one.
 */
export function quietBreak(
  bytes: Uint8Array,
  below: number,
): { readonly askedPastEnd: boolean } | undefined {
  const n = bytes.length;
  if (n > MAX_CHECKED || n >= below) return undefined;
  let pos = 0;
  let askedPastEnd = false;
  for (;;) {
    // The machine tops its buffer up to 16 bytes before each opcode.
    if (n - pos < 16) askedPastEnd = true;
    if (pos >= n) return { askedPastEnd };
    let width = ARGUMENT[bytes[pos] as number] as number;
    if (width === INVALID) return { askedPastEnd };
    if (width === MATTERS) return undefined;
    pos++;
    if (width === LONG1 || width === LONG4) {
      const size = width === LONG1 ? 1 : 4;
      if (n - pos < size) return { askedPastEnd: true };
      width =
        size === 1
          ? (bytes[pos] as number)
          : ((bytes[pos] as number) |
              ((bytes[pos + 1] as number) << 8) |
              ((bytes[pos + 2] as number) << 16)) +
            (bytes[pos + 3] as number) * 0x1000000;
      pos += size;
      // LONG4's length is signed: a negative one stops the machine before it reads on.
      if (size === 4 && width >= 0x80000000) return { askedPastEnd };
    }
    if (n - pos < width) return { askedPastEnd: true };
    pos += width;
  }
}
