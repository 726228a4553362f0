import type { Data } from 'apache-arrow';
import { numericValues } from './_numeric-values.js';
import { validityOf } from './_validity.js';

export interface NumericColumnState {
  chunks: Float64Array[];
  length: number;
  rows: number;
  nulls: number;
  nan: number;
  positiveInfinity: number;
  negativeInfinity: number;
}

/**
 * Collects the finite values of one numeric column across batches and counts what it leaves out:
 * nulls, NaN, +Infinity and −Infinity. With the row count known up front, values are copied into
 * one preallocated Float64Array, so that record batches can be released as soon as they are read
 * (keeping them alive costs more in garbage collection than the copy); otherwise chunks are kept,
 * zero-copy where possible. With `shared`, the preallocated storage is a SharedArrayBuffer, so
 * that worker threads can read the values without a copy.
 */
export class NumericColumn {
  private chunks: Float64Array[] = [];
  /** Preallocated storage when the row count is known. */
  private buffer: Float64Array<ArrayBuffer> | undefined;
  private joined: Float64Array<ArrayBuffer> | undefined;
  /** Number of finite values collected. */
  length = 0;
  rows = 0;
  nulls = 0;
  nan = 0;
  positiveInfinity = 0;
  negativeInfinity = 0;

  constructor(
    expectedRows?: number,
    private readonly shared = false,
  ) {
    if (expectedRows !== undefined && expectedRows > 0) this.buffer = this.allocate(expectedRows);
  }

  private allocate(length: number): Float64Array<ArrayBuffer> {
    if (!this.shared) return new Float64Array(length);
    // Typed as ArrayBuffer-backed: the views are only read, never detached or transferred.
    return new Float64Array(
      new SharedArrayBuffer(length * 8),
    ) as unknown as Float64Array<ArrayBuffer>;
  }

  /** Where the next `n` values go: the preallocated buffer (grown if needed), or a new chunk. */
  private target(n: number): { out: Float64Array; at: number } {
    if (this.buffer === undefined) return { out: new Float64Array(n), at: 0 };
    if (this.length + n > this.buffer.length) {
      const grown = this.allocate(Math.max(this.length + n, this.buffer.length * 2));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    return { out: this.buffer, at: this.length };
  }

  append(data: Data): void {
    const n = data.length;
    this.rows += n;
    this.joined = undefined;
    const src = numericValues(data);
    const validity = validityOf(data);
    if (validity === undefined && src instanceof Float64Array) {
      let finite = true;
      for (let i = 0; i < n; i++) {
        const v = src[i] as number;
        if (v - v !== 0) {
          finite = false;
          break;
        }
      }
      if (finite) {
        const values = src.length === n ? src : src.subarray(0, n);
        if (this.buffer === undefined) this.chunks.push(values);
        else this.target(n).out.set(values, this.length);
        this.length += n;
        return;
      }
    }
    const { out, at } = this.target(n);
    let k = at;
    if (validity === undefined) {
      for (let i = 0; i < n; i++) {
        const v = src[i] as number;
        if (v - v === 0) out[k++] = v;
        else this.countNonFinite(v);
      }
    } else {
      const { bitmap, offset } = validity;
      for (let i = 0; i < n; i++) {
        const bit = offset + i;
        if (((bitmap[bit >> 3] as number) & (1 << (bit & 7))) === 0) {
          this.nulls++;
          continue;
        }
        const v = src[i] as number;
        if (v - v === 0) out[k++] = v;
        else this.countNonFinite(v);
      }
    }
    if (this.buffer === undefined) {
      this.chunks.push(out.subarray(0, k));
      this.length += k;
    } else {
      this.length = k;
    }
  }

  private countNonFinite(v: number): void {
    if (Number.isNaN(v)) this.nan++;
    else if (v > 0) this.positiveInfinity++;
    else this.negativeInfinity++;
  }

  /** The finite values collected, as consecutive chunks (views; nothing is copied). */
  valueChunks(): readonly Float64Array[] {
    return this.buffer === undefined ? this.chunks : [this.buffer.subarray(0, this.length)];
  }

  /** The finite values collected, in order, as one array (built on first call). */
  values(): Float64Array<ArrayBuffer> {
    if (this.buffer !== undefined) return this.buffer.subarray(0, this.length);
    if (this.joined === undefined) {
      const out = new Float64Array(this.length);
      let at = 0;
      for (const chunk of this.chunks) {
        out.set(chunk, at);
        at += chunk.length;
      }
      this.chunks = [out];
      this.joined = out;
    }
    return this.joined;
  }

  /**
   * What another thread needs to rebuild this column: the counts and the values (a shared buffer
   * is passed, not copied). See {@link NumericColumn.fromState}.
   */
  state(): NumericColumnState {
    return {
      chunks: [...this.valueChunks()],
      length: this.length,
      rows: this.rows,
      nulls: this.nulls,
      nan: this.nan,
      positiveInfinity: this.positiveInfinity,
      negativeInfinity: this.negativeInfinity,
    };
  }

  static fromState(state: NumericColumnState): NumericColumn {
    const column = new NumericColumn();
    column.chunks = [...state.chunks];
    column.length = state.length;
    column.rows = state.rows;
    column.nulls = state.nulls;
    column.nan = state.nan;
    column.positiveInfinity = state.positiveInfinity;
    column.negativeInfinity = state.negativeInfinity;
    return column;
  }

  /** Non-finite values left out (NaN and ±Infinity). */
  get nonFinite(): number {
    return this.nan + this.positiveInfinity + this.negativeInfinity;
  }
}
