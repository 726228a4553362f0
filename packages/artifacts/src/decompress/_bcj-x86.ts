/*
 * The x86 branch converter (BCJ) as a decoder: 7-Zip and py7zr put it before LZMA/LZMA2 to turn
 * the absolute CALL/JMP targets it wrote back into relative ones. Written from the description of
 * the filter in the LZMA SDK documentation: E8/E9 opcodes whose 32-bit operand's top byte is 00
 * or FF get the operand's position subtracted, with a mask of recent E8/E9 bytes deciding which
 * ones were converted.
 */

const ALLOWED = [true, true, true, false, true, false, false, false];
const BIT_NUMBER = [0, 1, 2, 2, 3, 3, 3, 3];

function msb(b: number): boolean {
  return b === 0 || b === 0xff;
}

/** The state carried between buffers. */
interface State {
  prevMask: number;
  prevPos: number;
}

/** Converts `buf` (which starts at stream position `start`) in place; returns bytes finished. */
function convert(buf: Uint8Array, start: number, s: State): number {
  if (buf.length < 5) return 0;
  if (start - s.prevPos > 5) s.prevPos = start - 5;
  const limit = buf.length - 5;
  let i = 0;
  while (i <= limit) {
    const op = buf[i] as number;
    if (op !== 0xe8 && op !== 0xe9) {
      i++;
      continue;
    }
    const offset = start + i - s.prevPos;
    s.prevPos = start + i;
    if (offset > 5) s.prevMask = 0;
    else for (let k = 0; k < offset; k++) s.prevMask = ((s.prevMask & 0x77) << 1) & 0xff;
    let b = buf[i + 4] as number;
    if (msb(b) && ALLOWED[(s.prevMask >>> 1) & 7] && s.prevMask >>> 1 < 0x10) {
      let src =
        ((b << 24) |
          ((buf[i + 3] as number) << 16) |
          ((buf[i + 2] as number) << 8) |
          (buf[i + 1] as number)) >>>
        0;
      let dest: number;
      for (;;) {
        dest = (src - (start + i + 5)) >>> 0;
        if (s.prevMask === 0) break;
        const bit = BIT_NUMBER[s.prevMask >>> 1] as number;
        b = (dest >>> (24 - bit * 8)) & 0xff;
        if (!msb(b)) break;
        src = (dest ^ (2 ** (32 - bit * 8) - 1)) >>> 0;
      }
      buf[i + 4] = (dest >>> 24) & 1 ? 0xff : 0;
      buf[i + 3] = (dest >>> 16) & 0xff;
      buf[i + 2] = (dest >>> 8) & 0xff;
      buf[i + 1] = dest & 0xff;
      i += 5;
      s.prevMask = 0;
    } else {
      i++;
      s.prevMask |= 1;
      if (msb(b)) s.prevMask |= 0x10;
    }
  }
  return i;
}

/** BCJ x86 decoding of a stream (the filter keeps at most 4 bytes back until more arrive). */
export async function* bcjX86Decode(input: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  const state: State = { prevMask: 0, prevPos: -5 };
  let pending: Uint8Array = new Uint8Array(0);
  let pos = 0;
  for await (const chunk of input) {
    const buf = new Uint8Array(pending.length + chunk.length);
    buf.set(pending, 0);
    buf.set(chunk, pending.length);
    const done = convert(buf, pos, state);
    pos += done;
    pending = buf.subarray(done);
    if (done > 0) yield buf.subarray(0, done);
  }
  if (pending.length > 0) yield pending;
}
