/**
 * A forward-only reader over a stream of byte chunks that keeps only a sliding window in memory.
 * Reads are synchronous once `fill(n)` has buffered enough, so hot loops await only when a chunk
 * boundary is reached. Offsets are absolute (from the start of the stream plus `origin`).
 */
const MAX_SIZE_HINT = 256 * 1024 * 1024;

/**
 * `Buffer#latin1Slice(start, end)`: what `toString('latin1', start, end)` calls, without its
 * argument dispatch (a tenth of the time of short strings). Present in every Node.js release.
 */
type Latin1Slicer = Buffer & { latin1Slice(start: number, end: number): string };

/** Chunks of bytes already in memory (see `memoryChunks`). */
class MemoryChunks implements AsyncIterable<Uint8Array> {
  constructor(
    readonly bytes: Uint8Array,
    readonly chunkSize: number,
    readonly onEnd: (() => void) | undefined,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (let at = 0; at < this.bytes.length; at += this.chunkSize) {
      yield this.bytes.subarray(at, at + this.chunkSize);
    }
    this.onEnd?.();
  }
}

/**
 * Chunks of bytes already in memory, as an async iterable that `ByteReader.fromStream` reads
 * directly (no async iteration, no copies): trial parses of small files and constants are cheap.
 * `onEnd` runs when a consumer asks for more after the last byte, as it would after the loop of
 * an async generator that yields these chunks (a ByteReader asks once it needs bytes past them).
 */
export function memoryChunks(
  bytes: Uint8Array,
  chunkSize: number,
  onEnd?: () => void,
): AsyncIterable<Uint8Array> {
  return new MemoryChunks(bytes, chunkSize, onEnd);
}

/** The bytes and end hook of `memoryChunks` output, or undefined for any other stream. */
export function inMemory(
  chunks: AsyncIterable<Uint8Array>,
): { bytes: Uint8Array; chunkSize: number; onEnd: (() => void) | undefined } | undefined {
  return chunks instanceof MemoryChunks ? chunks : undefined;
}

export class ByteReader {
  private buf: Uint8Array;
  /** `buf` as a Buffer (same memory), for fast latin-1 string slices; made on first use. */
  private text: Latin1Slicer | undefined;
  private start = 0;
  private end = 0;
  /** Absolute offset of `buf[0]`. */
  private base: number;
  private done: boolean;
  private readonly source: AsyncIterator<Uint8Array> | undefined;
  /** For bytes in memory with an end hook: called by the first `fill` that wants more. */
  private onEnd: (() => void) | undefined;

  private constructor(
    source: AsyncIterator<Uint8Array> | undefined,
    initial: Uint8Array,
    origin: number,
    onEnd?: () => void,
  ) {
    this.source = source;
    this.buf = initial;
    this.end = initial.length;
    this.base = origin;
    this.onEnd = onEnd;
    // With an end hook the source counts as not done until a fill asks past the end, as an
    // iterator is not done before its last `next()`.
    this.done = source === undefined && onEnd === undefined;
  }

  /** A reader over bytes already in memory. `origin` is the absolute offset of `bytes[0]`. */
  static fromBytes(bytes: Uint8Array, origin = 0): ByteReader {
    return new ByteReader(undefined, bytes, origin);
  }

  /** A reader over an async stream of chunks. */
  static fromStream(chunks: AsyncIterable<Uint8Array>, origin = 0): ByteReader {
    if (chunks instanceof MemoryChunks) {
      return new ByteReader(undefined, chunks.bytes, origin, chunks.onEnd);
    }
    return new ByteReader(chunks[Symbol.asyncIterator](), new Uint8Array(0), origin);
  }

  /** Absolute offset of the next unread byte. */
  get pos(): number {
    return this.base + this.start;
  }

  /** Bytes buffered and not yet read. */
  get available(): number {
    return this.end - this.start;
  }

  /** True when the source is exhausted (more bytes may still be buffered). */
  get sourceDone(): boolean {
    return this.done;
  }

  /** True when nothing is left to read. */
  get atEnd(): boolean {
    return this.done && this.start === this.end;
  }

  /** Buffers at least `n` unread bytes if the stream has them; returns how many are buffered. */
  async fill(n: number): Promise<number> {
    if (this.source === undefined) {
      if (this.end - this.start < n && !this.done) {
        this.done = true;
        const onEnd = this.onEnd;
        this.onEnd = undefined;
        onEnd?.();
      }
      return this.end - this.start;
    }
    while (this.end - this.start < n && !this.done) {
      const next = await this.source?.next();
      if (next === undefined || next.done) {
        this.done = true;
        break;
      }
      this.append(next.value, n);
    }
    return this.end - this.start;
  }

  private append(chunk: Uint8Array, want: number): void {
    if (chunk.length === 0) return;
    const live = this.end - this.start;
    if (live === 0) {
      // Nothing buffered: adopt the chunk without copying.
      this.base += this.end;
      this.buf = chunk;
      this.text = undefined;
      this.start = 0;
      this.end = chunk.length;
      return;
    }
    if (this.buf.length - this.end >= chunk.length && this.buf.buffer instanceof ArrayBuffer) {
      // Room at the tail of a buffer we own.
      this.buf.set(chunk, this.end);
      this.end += chunk.length;
      return;
    }
    // Grow geometrically, or straight to the requested size when it is known and moderate.
    const size = Math.max(live + chunk.length, 2 * live, want <= MAX_SIZE_HINT ? want : 0);
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(this.start, this.end), 0);
    next.set(chunk, live);
    this.base += this.start;
    this.buf = next;
    this.text = undefined;
    this.start = 0;
    this.end = live + chunk.length;
  }

  /** Next byte; the caller made sure one is buffered. */
  u8(): number {
    return this.buf[this.start++] as number;
  }

  /** Next 2 bytes as a little-endian unsigned integer; the caller made sure they are buffered. */
  u16le(): number {
    const b = this.buf;
    const s = this.start;
    this.start = s + 2;
    return (b[s] as number) | ((b[s + 1] as number) << 8);
  }

  /** Next 4 bytes as a little-endian unsigned integer; the caller made sure they are buffered. */
  u32le(): number {
    const b = this.buf;
    const s = this.start;
    this.start = s + 4;
    return (
      ((b[s] as number) |
        ((b[s + 1] as number) << 8) |
        ((b[s + 2] as number) << 16) |
        ((b[s + 3] as number) << 24)) >>>
      0
    );
  }

  /**
   * The next `n` buffered bytes as a string when they are all ASCII (consumed), else undefined
   * (nothing consumed). No intermediate view: the hot path of pickle string opcodes.
   */
  ascii(n: number): string | undefined {
    const b = this.buf;
    const s = this.start;
    const e = s + n;
    for (let i = s; i < e; i++) if ((b[i] as number) >= 0x80) return undefined;
    this.text ??= Buffer.from(b.buffer, b.byteOffset, b.length) as Latin1Slicer;
    this.start = e;
    return this.text.latin1Slice(s, e);
  }

  /** Byte `i` positions ahead without consuming; the caller made sure it is buffered. */
  peek(i = 0): number {
    return this.buf[this.start + i] as number;
  }

  /** A view of the next `n` buffered bytes, consumed. Valid until the next `fill`. */
  view(n: number): Uint8Array {
    const v = this.buf.subarray(this.start, this.start + n);
    this.start += n;
    return v;
  }

  /** A copy of the next `n` buffered bytes, consumed. */
  take(n: number): Uint8Array {
    return this.view(n).slice();
  }

  /** A view of the next `n` buffered bytes, not consumed. */
  peekView(n: number): Uint8Array {
    return this.buf.subarray(this.start, this.start + Math.min(n, this.end - this.start));
  }

  /** Index (relative to the read position) of `byte` among the first `limit` buffered bytes, or -1. */
  indexOf(byte: number, limit: number): number {
    const stop = Math.min(this.end, this.start + limit);
    const at = this.buf.subarray(this.start, stop).indexOf(byte);
    return at;
  }

  /**
   * Skips `n` bytes, streaming through those not buffered; `onChunk` sees every skipped byte in
   * order. Returns the number skipped (less than `n` at end of stream).
   */
  async skip(n: number, onChunk?: (chunk: Uint8Array) => void): Promise<number> {
    let left = n;
    while (left > 0) {
      if (this.start === this.end) {
        await this.fill(1);
        if (this.start === this.end) break;
      }
      const step = Math.min(left, this.end - this.start);
      onChunk?.(this.buf.subarray(this.start, this.start + step));
      this.start += step;
      left -= step;
    }
    return n - left;
  }

  /** Reads everything left, up to `max` bytes, into one buffer; `truncated` if more remained. */
  async readRest(max: number): Promise<{ bytes: Uint8Array; truncated: boolean }> {
    await this.fill(max + 1);
    const n = Math.min(max, this.available);
    const bytes = this.take(n);
    return { bytes, truncated: this.available > 0 };
  }
}
