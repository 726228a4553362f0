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
    async *stream(start = 0) {
      for (let at = start; at < bytes.length; at += CHUNK) yield bytes.subarray(at, at + CHUNK);
    },
    read: async (start, end) => bytes.subarray(start, Math.min(end, bytes.length)),
  };
}

/** Reads up to this size are served from a cached window (archive headers, directories). */
const SMALL_READ = 64 * 1024;

/**
 * A source over random-access content of known size (a file), streamed in 1 MiB reads. Small
 * reads go through a 1 MiB window, so walking thousands of archive headers costs few real reads.
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
      window = await read(start, Math.min(size, start + CHUNK));
    }
    return window.subarray(start - windowStart, to - windowStart);
  };
  const head = size > 0 ? await cached(0, Math.min(size, HEAD_BYTES)) : new Uint8Array(0);
  return {
    name,
    size,
    head,
    async *stream(start = 0) {
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
      for (let at = start; at < size; at += CHUNK) {
        const to = Math.min(size, at + CHUNK);
        // A small file is already whole in the window: no second read.
        const chunk =
          at >= windowStart && to <= windowStart + window.length
            ? window.subarray(at - windowStart, to - windowStart)
            : await read(at, to);
        if (chunk.length === 0) return;
        yield chunk;
      }
    },
    read: (start, end) => cached(start, end),
  };
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
