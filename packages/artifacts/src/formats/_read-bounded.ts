import type { Source } from '../scan/source.js';
import { concat } from '../scan/source.js';

/** The whole content when it is at most `max` bytes; undefined when larger. */
export async function readBounded(source: Source, max: number): Promise<Uint8Array | undefined> {
  if (source.size !== undefined && source.size > max) return undefined;
  if (source.read !== undefined && source.size !== undefined) return source.read(0, source.size);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of source.stream()) {
    total += chunk.length;
    if (total > max) return undefined;
    chunks.push(chunk);
  }
  return concat(chunks);
}

/** The first non-whitespace byte of `bytes` at or after `from`, or -1. */
export function firstNonSpace(bytes: Uint8Array, from = 0): number {
  for (let i = from; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return b;
  }
  return -1;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** UTF-8 text, or undefined when the bytes are not valid UTF-8. */
export function utf8(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}
