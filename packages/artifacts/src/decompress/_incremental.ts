/** Thrown by decoders on corrupt or unsupported input. */
export class CorruptDataError extends Error {}

/**
 * A decoder that is fed input in chunks and produces output in bounded chunks, so a caller can
 * stop at any output limit without the decoder ever holding more than one block of output.
 */
export interface IncrementalDecoder {
  /** Adds input; `null` marks the end of input. */
  push(chunk: Uint8Array | null): void;
  /** The next output chunk, `more` when it needs input first, or `done`. Throws CorruptDataError. */
  next(): Uint8Array | 'more' | 'done';
}

/** Input bytes not yet consumed, compacted as the decoder advances. */
export class InputBuffer {
  /** Live input is `buf[pos, buf.length)`; `buf` is a view of a larger store. */
  buf = new Uint8Array(0);
  pos = 0;
  ended = false;
  /** Bytes consumed and dropped so far: `dropped + pos` is the absolute input offset. */
  dropped = 0;
  private store = new Uint8Array(0);

  push(chunk: Uint8Array | null): void {
    if (chunk === null) {
      this.ended = true;
      return;
    }
    const live = this.buf.length - this.pos;
    const start = this.buf.byteOffset - this.store.byteOffset + this.pos;
    this.dropped += this.pos;
    if (start + live + chunk.length <= this.store.length) {
      this.store.set(chunk, start + live);
      this.buf = this.store.subarray(start, start + live + chunk.length);
    } else {
      const size = Math.max(live + chunk.length, 2 * live, 64 * 1024);
      const next = new Uint8Array(size);
      next.set(this.buf.subarray(this.pos), 0);
      next.set(chunk, live);
      this.store = next;
      this.buf = next.subarray(0, live + chunk.length);
    }
    this.pos = 0;
  }

  get available(): number {
    return this.buf.length - this.pos;
  }
}

/** Runs an incremental decoder over an async input stream, yielding its output. */
export async function* decodeStream(
  input: AsyncIterable<Uint8Array>,
  decoder: IncrementalDecoder,
): AsyncIterable<Uint8Array> {
  const it = input[Symbol.asyncIterator]();
  try {
    for (;;) {
      const out = decoder.next();
      if (out === 'done') return;
      if (out === 'more') {
        const next = await it.next();
        decoder.push(next.done ? null : next.value);
        continue;
      }
      if (out.length > 0) yield out;
    }
  } finally {
    await it.return?.();
  }
}
