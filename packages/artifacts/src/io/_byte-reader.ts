/**
 * A forward-only reader over a stream of byte chunks that keeps only a sliding window in memory.
 * Reads are synchronous once `fill(n)` has buffered enough, so hot loops await only when a chunk
 * boundary is reached. Offsets are absolute (from the start of the stream plus `origin`).
 */
const MAX_SIZE_HINT = 256 * 1024 * 1024;

export class ByteReader {
  private buf: Uint8Array;
  private start = 0;
  private end = 0;
  /** Absolute offset of `buf[0]`. */
  private base: number;
  private done: boolean;
  private readonly source: AsyncIterator<Uint8Array> | undefined;

  private constructor(
    source: AsyncIterator<Uint8Array> | undefined,
    initial: Uint8Array,
    origin: number,
  ) {
    this.source = source;
    this.buf = initial;
    this.end = initial.length;
    this.base = origin;
    this.done = source === undefined;
  }

  /** A reader over bytes already in memory. `origin` is the absolute offset of `bytes[0]`. */
  static fromBytes(bytes: Uint8Array, origin = 0): ByteReader {
    return new ByteReader(undefined, bytes, origin);
  }

  /** A reader over an async stream of chunks. */
  static fromStream(chunks: AsyncIterable<Uint8Array>, origin = 0): ByteReader {
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
    this.start = 0;
    this.end = live + chunk.length;
  }

  /** Next byte; the caller made sure one is buffered. */
  u8(): number {
    return this.buf[this.start++] as number;
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
