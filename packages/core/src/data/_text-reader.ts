import { createReadStream } from 'node:fs';
import { InputError } from '../errors/input-error.js';

/**
 * Offset of the first byte of `bytes` that is not part of valid UTF-8, or -1. A multi-byte
 * sequence cut off by the end of `bytes` is accepted (the next chunk may complete it).
 */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) return -1;
      const c = bytes[i + k]!;
      if ((c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** The trailing bytes of `chunk` that start a multi-byte sequence not yet complete. */
function incompleteTail(chunk: Uint8Array): Uint8Array {
  for (let back = 1; back <= 3 && back <= chunk.length; back++) {
    const b = chunk[chunk.length - back]!;
    if ((b & 0xc0) === 0x80) continue;
    const need = b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : b >= 0xc0 ? 1 : 0;
    return need >= back ? chunk.subarray(chunk.length - back) : new Uint8Array(0);
  }
  return new Uint8Array(0);
}

function countNewlines(bytes: Uint8Array, end = bytes.length): number {
  let count = 0;
  let i = -1;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, end);
  for (;;) {
    i = buf.indexOf(10, i + 1);
    if (i < 0) return count;
    count++;
  }
}

export interface TextReadOptions {
  /** Text encoding: `utf-8` (default, strict: invalid bytes are an error) or any WHATWG label. */
  encoding?: string;
  signal?: AbortSignal;
  /** Bytes per read (default 1 MiB). */
  chunkSize?: number;
}

/**
 * Streams a text file as decoded string chunks. UTF-8 is decoded strictly: an invalid byte
 * sequence raises an `InputError` with its line and byte offset instead of becoming U+FFFD.
 */
export async function* readTextChunks(
  path: string,
  source: string,
  options: TextReadOptions = {},
): AsyncGenerator<string> {
  const encoding = (options.encoding ?? 'utf-8').toLowerCase();
  const strict = encoding === 'utf-8' || encoding === 'utf8';
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(encoding, { fatal: strict });
  } catch (cause) {
    throw new InputError(`unknown text encoding "${options.encoding}" for ${source}`, {
      cause,
      hint: 'use a WHATWG encoding label such as utf-8, latin1 or windows-1252',
    });
  }
  const stream = createReadStream(path, { highWaterMark: options.chunkSize ?? 1 << 20 });
  let lines = 0;
  let offset = 0;
  let carry: Uint8Array = new Uint8Array(0);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      options.signal?.throwIfAborted();
      let text: string;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch (cause) {
        const joined = new Uint8Array(carry.length + chunk.length);
        joined.set(carry, 0);
        joined.set(chunk, carry.length);
        const bad = Math.max(0, invalidUtf8Offset(joined));
        const line = lines + countNewlines(joined, bad) + 1;
        throw new InputError(
          `${source} is not valid UTF-8: invalid byte 0x${joined[bad]?.toString(16).padStart(2, '0')} at line ${line} (byte offset ${offset - carry.length + bad})`,
          {
            cause,
            hint: 'convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8) or pass the encoding option, e.g. { encoding: "latin1" }',
          },
        );
      }
      lines += countNewlines(chunk);
      offset += chunk.length;
      carry = incompleteTail(chunk);
      if (text.length > 0) yield text;
    }
    let rest: string;
    try {
      rest = decoder.decode();
    } catch (cause) {
      throw new InputError(`${source} is not valid UTF-8: it ends inside a multi-byte character`, {
        cause,
        hint: 'the file is truncated or not UTF-8; pass the encoding option if it uses another one',
      });
    }
    if (rest.length > 0) yield rest;
  } catch (cause) {
    if (cause instanceof InputError || (cause as { name?: string })?.name === 'AbortError')
      throw cause;
    const code = (cause as NodeJS.ErrnoException)?.code;
    if (code) {
      throw new InputError(`cannot read ${source}: ${(cause as Error).message}`, { cause });
    }
    throw cause;
  } finally {
    stream.destroy();
  }
}
