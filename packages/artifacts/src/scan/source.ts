import { memoryChunks } from '../io/_byte-reader.js';

/** Bytes of the head every format sniffs. */
export const HEAD_BYTES = 64 * 1024;

const CHUNK = 1024 * 1024;

/**
 * Content to scan: a file, an archive member or decompressed data. Streams are bounded and
 * restartable; random access is there when the content is a file or already in memory.
 */
export interface Source {
  /** The file or member name: a hint only, formats are chosen by content. */
  readonly name: string;
  /** Size in bytes when known. */
  readonly size: number | undefined;
  /** The first `HEAD_BYTES` (fewer if the content is shorter). */
  readonly head: Uint8Array;
  /** The content from `start` to the end, in chunks. Each call starts a new stream. */
  stream(start?: number): AsyncIterable<Uint8Array>;
  /** Bytes `[start, end)`; only when the content allows random access. */
  read?(start: number, end: number): Promise<Uint8Array>;
  /** Releases what the source holds open (a half-read decompression stream). */
  dispose?(): Promise<void>;
}

/** A source over bytes in memory. */
export function sourceFromBytes(name: string, bytes: Uint8Array): Source {
  return {
    name,
    size: bytes.length,
    head: bytes.subarray(0, HEAD_BYTES),
    stream: (start = 0) => memoryChunks(bytes.subarray(Math.min(start, bytes.length)), CHUNK),
    read: async (start, end) => bytes.subarray(start, Math.min(end, bytes.length)),
  };
}

/** Reads up to this size are served from a cached window (archive headers, directories). */
const SMALL_READ = 64 * 1024;

/**
 * A source over random-access content of known size (a file), streamed in 1 MiB reads. Content
 * up to 1 MiB is read once, whole. Of larger content only the head is read up front (a tensor
 * storage member needs no more for its formats to be sniffed), and small reads elsewhere go
 * through a 64 KiB window, so walking thousands of archive headers costs few real reads while
 * the sparse headers of an archive of large members cost no more than they need.
 */
export async function sourceFromReader(
  name: string,
  size: number,
  read: (start: number, end: number) => Promise<Uint8Array>,
  /** A sequential stream from offset 0, cheaper than positioned reads when available. */
  streamAll?: () => AsyncIterable<Uint8Array>,
): Promise<Source> {
  let windowStart = 0;
  let window: Uint8Array = new Uint8Array(0);
  const cached = async (start: number, end: number): Promise<Uint8Array> => {
    const to = Math.min(end, size);
    if (to - start > SMALL_READ) return read(start, to);
    if (start < windowStart || to > windowStart + window.length) {
      windowStart = start;
      window = await read(start, Math.min(size, start + SMALL_READ));
    }
    return window.subarray(start - windowStart, to - windowStart);
  };
  // The first window: the whole content when small, else the head.
  if (size > 0) window = await read(0, Math.min(size, size <= CHUNK ? size : HEAD_BYTES));
  const head = window.subarray(0, HEAD_BYTES);
  // Small content stays whole in memory (later window moves never replace it).
  const whole = size <= CHUNK ? window : undefined;
  return {
    name,
    size,
    head,
    stream(start = 0) {
      if (whole !== undefined) {
        return memoryChunks(whole.subarray(Math.min(start, whole.length)), CHUNK);
      }
      return streamRange(start);
    },
    read: (start, end) => cached(start, end),
  };

  async function* streamRange(start: number): AsyncGenerator<Uint8Array> {
    if (start === 0 && streamAll !== undefined) {
      let seen = 0;
      for await (const chunk of streamAll()) {
        const part = chunk.subarray(0, Math.max(0, size - seen));
        seen += part.length;
        if (part.length > 0) yield part;
        if (seen >= size) return;
      }
      return;
    }
    let at = start;
    // Whatever the current window holds from `start` on is served without a read first: a
    // trial parse that fails in the head of a large member reads nothing more.
    if (at >= windowStart && at < windowStart + window.length) {
      const first = window.subarray(at - windowStart);
      at += first.length;
      yield first;
    }
    for (; at < size; ) {
      const to = Math.min(size, at + CHUNK);
      const chunk = await read(at, to);
      if (chunk.length === 0) return;
      at += chunk.length;
      yield chunk;
    }
  }
}

/**
 * A source over a stream that can only be produced from the start (decompressed data). The head
 * is peeked from the first stream, whose remaining chunks the first `stream()` call reuses.
 */
export async function sourceFromStreamFactory(
  name: string,
  open: () => AsyncIterable<Uint8Array>,
  size?: number,
): Promise<Source> {
  const first = open()[Symbol.asyncIterator]();
  const peeked: Uint8Array[] = [];
  let have = 0;
  let done = false;
  while (have < HEAD_BYTES) {
    const next = await first.next();
    if (next.done) {
      done = true;
      break;
    }
    peeked.push(next.value);
    have += next.value.length;
  }
  const head = concat(peeked, HEAD_BYTES);
  let reused = false;
  return {
    name,
    size: done ? have : size,
    head,
    async *stream(start = 0) {
      let skip = start;
      const emit = function* (chunk: Uint8Array) {
        if (skip >= chunk.length) {
          skip -= chunk.length;
          return;
        }
        yield skip > 0 ? chunk.subarray(skip) : chunk;
        skip = 0;
      };
      if (!reused) {
        reused = true;
        for (const chunk of peeked) yield* emit(chunk);
        if (done) return;
        try {
          for (;;) {
            const next = await first.next();
            if (next.done) return;
            yield* emit(next.value);
          }
        } finally {
          await first.return?.();
        }
      }
      for await (const chunk of open()) yield* emit(chunk);
    },
    async dispose() {
      if (!reused) {
        reused = true;
        await first.return?.();
      }
    },
  };
}

/** Concatenates chunks, keeping at most `max` bytes. */
export function concat(chunks: readonly Uint8Array[], max = Number.POSITIVE_INFINITY): Uint8Array {
  let total = 0;
  for (const c of chunks) total += c.length;
  const out = new Uint8Array(Math.min(total, max));
  let at = 0;
  for (const c of chunks) {
    if (at >= out.length) break;
    const part = c.subarray(0, out.length - at);
    out.set(part, at);
    at += part.length;
  }
  return out;
}
