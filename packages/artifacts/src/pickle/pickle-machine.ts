import type { ByteReader } from '../io/_byte-reader.js';
import { HIGHEST_PROTOCOL, OP, OPCODES, type OpcodeInfo } from './_opcodes.js';
import {
  decodeLong,
  encodeLatin1,
  escapeDecode,
  latin1,
  parsePyInt,
  rawUnicodeEscape,
  TextDecodeError,
  utf8,
  utf8SurrogatePass,
} from './_text.js';
import {
  BUFFER,
  type DictValue,
  describe,
  FALSE,
  FLOAT,
  FROZENSET,
  LIST,
  MAX_TRACKED_ITEMS,
  NONE,
  type ObjValue,
  SET,
  TRUE,
  tuple,
  tupleItems,
  unknown,
  type Value,
} from './_values.js';

/** Limits of one pickle stream. Hitting one ends the stream as `limit`. */
export interface PickleLimits {
  maxOpcodes: number;
  maxStackDepth: number;
  maxMemoEntries: number;
  /** Longest text argument line (protocol 0). */
  maxLineBytes: number;
  /** Byte/str constants up to this size are buffered; larger ones are streamed past. */
  maxInlineBytes: number;
  /** Largest constant that is itself scanned as a nested pickle. */
  maxNestedBytes: number;
  /** Bytes one stream may span. */
  maxStreamBytes: number;
}

export const DEFAULT_PICKLE_LIMITS: PickleLimits = {
  maxOpcodes: 20_000_000,
  maxStackDepth: 1_000_000,
  maxMemoEntries: 5_000_000,
  maxLineBytes: 64 * 1024 * 1024,
  maxInlineBytes: 16 * 1024 * 1024,
  maxNestedBytes: 64 * 1024 * 1024,
  maxStreamBytes: 1024 ** 3,
};

export type ImportOpcode = 'GLOBAL' | 'STACK_GLOBAL' | 'INST';

export interface ImportEvent {
  module: string;
  name: string;
  offset: number;
  opcode: ImportOpcode;
}

export interface CallEvent {
  offset: number;
  /** REDUCE, NEWOBJ, NEWOBJ_EX, OBJ, INST or BUILD. */
  opcode: string;
  callee: Value;
  args: readonly Value[] | undefined;
}

export type IssueKind =
  /** STACK_GLOBAL with an operand that is not a constant string, or an EXT1/2/4 code. */
  | 'unresolved-import'
  /** The byte stream cannot be decoded past this point (bad opcode, truncated argument). */
  | 'malformed'
  /** The stream decodes but `pickle.load` would raise here (stack underflow, missing memo key…). */
  | 'invalid'
  /** A FRAME's declared length disagrees with the opcodes inside it. */
  | 'frame'
  /** A scan limit was hit. */
  | 'limit'
  /** A call whose callable is not an imported global (a computed callable). */
  | 'indirect-call'
  /** BUILD applied to an imported object rather than to a new instance: it sets attributes on it. */
  | 'build-on-global'
  /** Unusual numbers of DUP or memo GETs (expansion attacks). */
  | 'expansion'
  /** NEXT_BUFFER/READONLY_BUFFER: out-of-band data the loader must supply. */
  | 'out-of-band'
  /** An opcode newer than the protocol the stream declared. */
  | 'protocol';

export interface IssueEvent {
  kind: IssueKind;
  offset: number;
  message: string;
  /** For `frame`: the offset where a frame-honouring loader would resume. */
  resyncAt?: number;
  detail?: Record<string, unknown>;
}

/** A constant that may itself be a pickle; `strong` when it starts with a PROTO opcode. */
export interface ConstantEvent {
  offset: number;
  bytes: Uint8Array;
  strong: boolean;
  from: 'bytes' | 'str';
}

/** What the machine reports while it runs. Every callback is optional except the core three. */
export interface PickleEvents {
  onImport(event: ImportEvent): void;
  onCall(event: CallEvent): void;
  onIssue(event: IssueEvent): void;
  onPersistentId?(pid: Value, offset: number): void;
  /** A constant that may be a nested pickle; the caller decides whether and how to scan it. */
  onConstant?(event: ConstantEvent): Promise<void> | void;
  /**
   * After BUILD on an object: lets a format (joblib) consume raw bytes that follow in the file.
   * Returns true when it consumed anything.
   */
  afterBuild?(target: ObjValue, machine: PickleMachine): Promise<boolean>;
  /** Every opcode as decoded, for disassembly and the differential test. */
  onOp?(op: OpTrace): void;
}

export interface OpTrace {
  pos: number;
  info: OpcodeInfo;
  /** Raw argument bytes (text line without newline, payload of counted args, number bytes). */
  raw?: Uint8Array;
  /** Second text line of GLOBAL/INST. */
  raw2?: Uint8Array;
  /** Payload length when the payload was too large to keep. */
  skipped?: number;
}

export type StreamEnd =
  | { kind: 'stop'; start: number; end: number; opcodes: number; protocol: number }
  | { kind: 'empty'; start: number }
  | { kind: 'malformed'; start: number; end: number; opcodes: number; message: string }
  | { kind: 'limit'; start: number; end: number; opcodes: number; message: string };

export interface MachineOptions {
  limits?: Partial<PickleLimits>;
  signal?: AbortSignal;
  /** Wall-clock deadline (ms since epoch); checked every 64k opcodes. */
  deadline?: number;
  /** Keep every argument in memory (disassembly). */
  trace?: boolean;
}

class DecodeError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    // Thrown for every trial parse of non-pickle content: skip the costly stack capture.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.offset = offset;
  }
}

class LimitError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Shared values of BININT1's 256 integers (values are never mutated). */
const SMALL_INTS: readonly Value[] = Array.from({ length: 256 }, (_, v) => ({ t: 'int', v }));

/** Strings longer than this are not kept as values (they are still offered as nested pickles). */
const MAX_STR_VALUE = 64 * 1024;

const IDENT_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** True when `s` is a dotted Python identifier path (what a real import can resolve). */
export function isIdentifierPath(s: string): boolean {
  return IDENT_PATH.test(s);
}

/**
 * A symbolic pickle machine: executes the opcodes of one stream over abstract values (constants,
 * imported globals, call results, containers), never calling anything. It reports every import,
 * every call site with its byte offset, and everything a loader would choke on, and keeps going
 * past semantic errors so that nothing after them is missed.
 */
export class PickleMachine {
  readonly limits: PickleLimits;
  private readonly events: PickleEvents;
  private readonly options: MachineOptions;
  private stack: Value[] = [];
  private marks: number[] = [];
  /**
   * Memo by index: an array, dense as pickle writes it (V8 falls back to a dictionary if not).
   * String values are kept as bare strings (re-wrapped on GET): a vocabulary of millions of
   * memoised strings then costs one string each, not a string plus a wrapper object.
   */
  private memo: (Value | string)[] = [];
  private memoSize = 0;
  private proto = 0;
  private opcodes = 0;
  private gets = 0;
  private puts = 0;
  private dups = 0;
  private frameEnd = -1;
  private frameIssues = 0;
  private streamStart = 0;
  private streamFirstOp = 0;

  constructor(
    readonly reader: ByteReader,
    events: PickleEvents,
    options: MachineOptions = {},
  ) {
    this.events = events;
    this.options = options;
    const given = options.limits;
    this.limits =
      given === undefined
        ? DEFAULT_PICKLE_LIMITS
        : {
            maxOpcodes: given.maxOpcodes ?? DEFAULT_PICKLE_LIMITS.maxOpcodes,
            maxStackDepth: given.maxStackDepth ?? DEFAULT_PICKLE_LIMITS.maxStackDepth,
            maxMemoEntries: given.maxMemoEntries ?? DEFAULT_PICKLE_LIMITS.maxMemoEntries,
            maxLineBytes: given.maxLineBytes ?? DEFAULT_PICKLE_LIMITS.maxLineBytes,
            maxInlineBytes: given.maxInlineBytes ?? DEFAULT_PICKLE_LIMITS.maxInlineBytes,
            maxNestedBytes: given.maxNestedBytes ?? DEFAULT_PICKLE_LIMITS.maxNestedBytes,
            maxStreamBytes: given.maxStreamBytes ?? DEFAULT_PICKLE_LIMITS.maxStreamBytes,
          };
  }

  /** Total opcodes executed by this machine over all streams. */
  get opcodeCount(): number {
    return this.opcodes;
  }

  /** Runs one stream from the reader's position until STOP, the end of input or an error. */
  async runStream(): Promise<StreamEnd> {
    const r = this.reader;
    if (r.available === 0 && !r.sourceDone) await r.fill(1);
    const start = r.pos;
    if (r.available === 0) return { kind: 'empty', start };
    this.streamStart = start;
    this.streamFirstOp = this.opcodes;
    this.stack = [];
    this.marks = [];
    this.memo = [];
    this.memoSize = 0;
    this.proto = 0;
    this.frameEnd = -1;
    this.gets = 0;
    this.puts = 0;
    this.dups = 0;
    const first = this.opcodes;
    try {
      const stopped = await this.loop();
      this.checkExpansion(start);
      if (stopped) {
        return {
          kind: 'stop',
          start,
          end: r.pos,
          opcodes: this.opcodes - first,
          protocol: this.proto,
        };
      }
      const message = 'truncated: the input ends before STOP';
      this.events.onIssue({ kind: 'malformed', offset: r.pos, message });
      return { kind: 'malformed', start, end: r.pos, opcodes: this.opcodes - first, message };
    } catch (error) {
      this.checkExpansion(start);
      if (error instanceof DecodeError) {
        this.events.onIssue({ kind: 'malformed', offset: error.offset, message: error.message });
        return {
          kind: 'malformed',
          start,
          end: error.offset,
          opcodes: this.opcodes - first,
          message: error.message,
        };
      }
      if (error instanceof LimitError) {
        this.events.onIssue({ kind: 'limit', offset: error.offset, message: error.message });
        return {
          kind: 'limit',
          start,
          end: error.offset,
          opcodes: this.opcodes - first,
          message: error.message,
        };
      }
      throw error;
    }
  }

  private checkExpansion(offset: number): void {
    if (this.gets > 10_000 && this.gets > 50 * Math.max(1, this.puts)) {
      this.events.onIssue({
        kind: 'expansion',
        offset,
        message: `${this.gets} memo reads for ${this.puts} memo writes: the shape of a memo expansion ("billion laughs") attack`,
        detail: { gets: this.gets, puts: this.puts },
      });
    }
    if (this.dups > 100) {
      this.events.onIssue({
        kind: 'expansion',
        offset,
        message: `${this.dups} DUP opcodes; Python's pickler never writes DUP`,
        detail: { dups: this.dups },
      });
    }
  }

  private invalid(offset: number, message: string, detail?: Record<string, unknown>): void {
    this.events.onIssue({ kind: 'invalid', offset, message, ...(detail && { detail }) });
  }

  private push(v: Value, offset: number): void {
    if (this.stack.length >= this.limits.maxStackDepth) {
      throw new LimitError(`stack deeper than ${this.limits.maxStackDepth} entries`, offset);
    }
    this.stack.push(v);
  }

  private pop(offset: number, op: string): Value {
    const mark = this.marks.length > 0 ? (this.marks[this.marks.length - 1] as number) : 0;
    if (this.stack.length <= mark) {
      this.invalid(offset, `${op} on an empty stack (pickle.load raises here)`);
      return unknown('stack underflow');
    }
    return this.stack.pop() as Value;
  }

  private top(offset: number, op: string): Value {
    const mark = this.marks.length > 0 ? (this.marks[this.marks.length - 1] as number) : 0;
    if (this.stack.length <= mark) {
      this.invalid(offset, `${op} on an empty stack (pickle.load raises here)`);
      return unknown('stack underflow');
    }
    return this.stack[this.stack.length - 1] as Value;
  }

  private popMark(offset: number, op: string): Value[] {
    const mark = this.marks.pop();
    if (mark === undefined) {
      this.invalid(offset, `${op} without a MARK (pickle.load raises here)`);
      return [];
    }
    return this.stack.splice(mark);
  }

  private memoPut(index: number, offset: number, op: string): void {
    const v = this.top(offset, op);
    // Reads past the end are checked first: V8 deoptimises element loads out of bounds.
    const fresh = index >= this.memo.length || this.memo[index] === undefined;
    if (fresh && this.memoSize >= this.limits.maxMemoEntries) {
      throw new LimitError(`memo larger than ${this.limits.maxMemoEntries} entries`, offset);
    }
    if (index < 0) this.invalid(offset, `${op} with negative memo index ${index}`);
    this.memo[index] = v.t === 'str' ? v.v : v;
    if (fresh) this.memoSize++;
    this.puts++;
  }

  private memoGet(index: number, offset: number, op: string): void {
    this.gets++;
    const v = index >= 0 && index < this.memo.length ? this.memo[index] : undefined;
    if (v === undefined) {
      this.invalid(
        offset,
        `${op} of memo key ${index}, which was never stored (pickle.load raises here)`,
        {
          key: index,
        },
      );
      this.push(unknown(`memo key ${index} missing`), offset);
      return;
    }
    this.push(typeof v === 'string' ? { t: 'str', v } : v, offset);
  }

  private async need(n: number, pos: number, what: string): Promise<void> {
    if (this.reader.available < n) {
      await this.reader.fill(n);
      if (this.reader.available < n) {
        throw new DecodeError(
          `truncated: ${what} needs ${n} bytes but only ${this.reader.available} remain`,
          pos,
        );
      }
    }
  }

  private async readLine(pos: number, what: string): Promise<Uint8Array> {
    const r = this.reader;
    const max = this.limits.maxLineBytes;
    let at = r.indexOf(0x0a, max + 1);
    while (at < 0) {
      if (r.available > max) {
        throw new LimitError(`${what}: text argument longer than ${max} bytes`, pos);
      }
      const had = r.available;
      await r.fill(Math.min(max + 1, Math.max(2 * had, 4096)));
      if (r.available === had) {
        throw new DecodeError(`truncated: no newline after ${what} argument`, pos);
      }
      at = r.indexOf(0x0a, max + 1);
    }
    const line = r.view(at);
    r.view(1);
    return line;
  }

  private uint(view: Uint8Array): number {
    let v = 0;
    for (let i = view.length - 1; i >= 0; i--) v = v * 256 + (view[i] as number);
    return v;
  }

  /**
   * Reads a counted payload. Returns the bytes when buffered, or undefined when the payload was
   * streamed past. Offers it as a possible nested pickle on the way.
   */
  private payload(
    n: number,
    pos: number,
    what: string,
    from: 'bytes' | 'str',
  ): Uint8Array | undefined | Promise<Uint8Array | undefined> {
    const r = this.reader;
    if (r.available >= n && n <= this.limits.maxInlineBytes) {
      // Buffered already: no promise unless the bytes are offered as a nested pickle.
      const dataOffset = r.pos;
      const bytes = r.view(n);
      if (from !== 'bytes') return bytes;
      const offered = this.offerConstant(bytes, dataOffset, 'bytes');
      return offered === undefined ? bytes : offered.then(() => bytes);
    }
    return this.payloadAsync(n, pos, what, from);
  }

  private async payloadAsync(
    n: number,
    pos: number,
    what: string,
    from: 'bytes' | 'str',
  ): Promise<Uint8Array | undefined> {
    const r = this.reader;
    const keep = this.options.trace === true || n <= this.limits.maxInlineBytes;
    const dataOffset = r.pos;
    if (keep) {
      await this.need(n, pos, what);
      const bytes = r.view(n);
      if (from === 'bytes') await this.offerConstant(bytes, dataOffset, 'bytes');
      return bytes;
    }
    await r.fill(2);
    const strong = r.available >= 2 && r.peek(0) === OP.PROTO && r.peek(1) <= HIGHEST_PROTOCOL;
    if (strong && this.events.onConstant !== undefined) {
      if (n <= this.limits.maxNestedBytes) {
        await this.need(n, pos, what);
        const bytes = r.view(n);
        await this.offerConstant(bytes, dataOffset, from);
        return bytes;
      }
      this.events.onIssue({
        kind: 'limit',
        offset: pos,
        message: `a ${n}-byte constant starts like a pickle but is larger than the nested-scan limit (${this.limits.maxNestedBytes} bytes)`,
      });
    }
    const skipped = await r.skip(n);
    if (skipped < n) {
      throw new DecodeError(`truncated: ${what} needs ${n} bytes but only ${skipped} remain`, pos);
    }
    return undefined;
  }

  /** Offers a constant as a possible nested pickle; a promise only when one is scanned. */
  private offerConstant(
    bytes: Uint8Array,
    offset: number,
    from: 'bytes' | 'str',
  ): Promise<void> | undefined {
    if (this.events.onConstant === undefined || bytes.length < 2) return undefined;
    const b0 = bytes[0] as number;
    const strong = b0 === OP.PROTO && (bytes[1] as number) <= HIGHEST_PROTOCOL;
    if (!strong && (bytes.length < 4 || OPCODES[b0] === undefined)) return undefined;
    if (bytes.length > this.limits.maxNestedBytes) return undefined;
    const offered = this.events.onConstant({ offset, bytes, strong, from });
    return offered instanceof Promise ? offered : undefined;
  }

  private offerString(text: string, offset: number): Promise<void> | undefined {
    if (this.events.onConstant === undefined || text.length < 2) return undefined;
    const c0 = text.charCodeAt(0);
    if (c0 > 255 || OPCODES[c0] === undefined) return undefined;
    if (this.inertText(text)) return undefined;
    const bytes = encodeLatin1(text);
    return bytes === undefined ? undefined : this.offerConstant(bytes, offset, 'str');
  }

  /**
   * True for text that no loader can run anything from, so it is not offered as a nested pickle
   * (attribute names such as `coef_`, module paths such as `sklearn.linear_model`): ASCII without
   * a newline, and without either a `.` or a `Q`. GLOBAL, INST and PERSID need newline-terminated
   * arguments; STACK_GLOBAL, EXT1/2/4 and PROTO are not ASCII; so nothing can be imported and no
   * global called. Without `.` there is no STOP, and a string shorter than every opcode, stack,
   * memo and stream limit (and than the 64k opcodes between time checks) cannot reach one: the
   * stream ends truncated. With a `.` but no `Q` (BINPERSID, the only ASCII way left to reach the
   * loader's persistent_load) it may reach STOP, but a stream that imports nothing and calls no
   * loader hook builds only constants and containers: nothing in it can run, and a trial parse
   * of it reports nothing. Constants inside it are substrings of it, so inert too.
   */
  private inertText(text: string): boolean {
    const l = this.limits;
    const n = text.length;
    if (
      n >= 0x10000 ||
      n >= l.maxOpcodes ||
      n >= l.maxStackDepth ||
      n >= l.maxMemoEntries ||
      n >= l.maxStreamBytes
    ) {
      return false;
    }
    let dot = false;
    let persid = false;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x0a || c > 0x7f) return false;
      if (c === 0x2e) dot = true;
      else if (c === 0x51) persid = true;
    }
    return !(dot && persid);
  }

  private str(v: Value): string | undefined {
    return v.t === 'str' ? v.v : undefined;
  }

  private recordCall(
    opcode: string,
    callee: Value,
    args: readonly Value[] | undefined,
    offset: number,
  ) {
    this.events.onCall({ offset, opcode, callee, args });
    if (callee.t !== 'global') {
      this.events.onIssue({
        kind: 'indirect-call',
        offset,
        message: `${opcode} calls a computed callable: ${describe(callee)}`,
        detail: { callee: describe(callee) },
      });
    }
  }

  /** A counted argument's length (1, 4 or 8 bytes, little-endian); BINSTRING's is signed. */
  private async length(width: number, pos: number, name: string, signed: boolean): Promise<number> {
    await this.need(width, pos, name);
    return this.lengthNow(width, pos, name, signed);
  }

  /** `length`, synchronous when the `width` bytes are buffered already. */
  private lengthOf(
    width: number,
    pos: number,
    name: string,
    signed: boolean,
  ): number | Promise<number> {
    return this.reader.available >= width
      ? this.lengthNow(width, pos, name, signed)
      : this.length(width, pos, name, signed);
  }

  /** `length` when the `width` bytes are buffered already. */
  private lengthNow(width: number, pos: number, name: string, signed: boolean): number {
    const r = this.reader;
    const n = width === 1 ? r.u8() : width === 4 ? r.u32le() : this.uint(r.view(width));
    if (signed && width === 4 && n >= 0x80000000) {
      throw new DecodeError(`${name} has a negative byte count (${n - 0x100000000})`, pos);
    }
    if (n > Number.MAX_SAFE_INTEGER) throw new DecodeError(`${name} length too large`, pos);
    return n;
  }

  /** A string value, or an unknown when too long to keep. */
  private text(text: string): Value {
    return text.length > MAX_STR_VALUE ? unknown('large string not kept') : { t: 'str', v: text };
  }

  /** A call that creates an object: records the call site and pushes its result. */
  private construct(
    opcode: string,
    fn: Value,
    args: readonly Value[] | undefined,
    pos: number,
  ): void {
    this.recordCall(opcode, fn, args, pos);
    const kept = args !== undefined && args.length <= MAX_TRACKED_ITEMS ? args : undefined;
    this.push({ t: 'obj', fn, args: kept, off: pos }, pos);
  }

  private checkProto(info: OpcodeInfo, pos: number): void {
    if (info.proto > this.proto && this.proto >= 2) {
      this.events.onIssue({
        kind: 'protocol',
        offset: pos,
        message: `${info.name} (protocol ${info.proto}) in a stream that declared protocol ${this.proto}`,
      });
    }
  }

  /** Returns true on STOP, false at end of input without STOP. */
  private async loop(): Promise<boolean> {
    const r = this.reader;
    const trace = this.events.onOp;
    const maxOps = this.limits.maxOpcodes;
    const events = this.events;
    for (;;) {
      if (r.available < 16 && !r.sourceDone) await r.fill(16);
      if (r.available === 0) return false;
      const pos = r.pos;
      const code = r.u8();
      const info = OPCODES[code];
      if (info === undefined) {
        throw new DecodeError(`invalid opcode 0x${code.toString(16).padStart(2, '0')}`, pos);
      }
      this.opcodes++;
      if (this.opcodes - this.streamFirstOp > maxOps)
        throw new LimitError(`more than ${maxOps} opcodes`, pos);
      if (pos - this.streamStart > this.limits.maxStreamBytes) {
        throw new LimitError(`pickle stream longer than ${this.limits.maxStreamBytes} bytes`, pos);
      }
      if ((this.opcodes & 0xffff) === 0) {
        if (this.options.signal?.aborted)
          throw new LimitError('scan aborted (time limit or cancel)', pos);
        if (this.options.deadline !== undefined && Date.now() > this.options.deadline) {
          throw new LimitError('time limit reached', pos);
        }
      }
      if (this.frameEnd >= 0 && pos >= this.frameEnd) this.frameEnd = -1;
      let raw: Uint8Array | undefined;
      let raw2: Uint8Array | undefined;
      let skipped: number | undefined;
      switch (code) {
        // ---- framing and protocol
        case OP.PROTO: {
          if (r.available < 1) await this.need(1, pos, 'PROTO');
          const v = r.u8();
          if (trace) raw = Uint8Array.of(v);
          if (v > HIGHEST_PROTOCOL) {
            this.invalid(pos, `unsupported pickle protocol ${v}`, { protocol: v });
          }
          this.proto = v;
          break;
        }
        case OP.FRAME: {
          if (r.available < 8) await this.need(8, pos, 'FRAME');
          const view = r.view(8);
          if (trace) raw = view.slice();
          const len = this.uint(view);
          if (this.frameEnd >= 0 && r.pos < this.frameEnd) {
            this.frameIssue(
              pos,
              `FRAME at ${pos} starts before the previous frame ends at ${this.frameEnd}`,
              this.frameEnd,
            );
          }
          this.frameEnd = r.pos + len;
          break;
        }
        case OP.STOP:
          this.frameCheck(pos, r.pos);
          trace?.({ pos, info });
          if (this.stack.length !== 1 || this.marks.length > 0) {
            if (this.stack.length === 0)
              this.invalid(pos, 'STOP on an empty stack (pickle.load raises here)');
          }
          return true;

        // ---- constants
        case OP.NONE:
          this.push(NONE, pos);
          break;
        case OP.NEWTRUE:
          this.checkProto(info, pos);
          this.push(TRUE, pos);
          break;
        case OP.NEWFALSE:
          this.checkProto(info, pos);
          this.push(FALSE, pos);
          break;
        case OP.BININT: {
          if (r.available < 4) await this.need(4, pos, 'BININT');
          if (trace) raw = r.peekView(4).slice();
          const u = r.u32le();
          this.push({ t: 'int', v: u >= 0x80000000 ? u - 0x100000000 : u }, pos);
          break;
        }
        case OP.BININT1: {
          if (r.available < 1) await this.need(1, pos, 'BININT1');
          const v = r.u8();
          if (trace) raw = Uint8Array.of(v);
          this.push(SMALL_INTS[v] as Value, pos);
          break;
        }
        case OP.BININT2: {
          if (r.available < 2) await this.need(2, pos, 'BININT2');
          if (trace) raw = r.peekView(2).slice();
          this.push({ t: 'int', v: r.u16le() }, pos);
          break;
        }
        case OP.LONG1:
        case OP.LONG4: {
          const width = code === OP.LONG1 ? 1 : 4;
          if (r.available < width) await this.need(width, pos, info.name);
          const lenView = r.view(width);
          const n = this.uint(lenView);
          if (width === 4 && n >= 0x80000000) {
            throw new DecodeError(`LONG4 byte count < 0: ${n - 0x100000000}`, pos);
          }
          if (n > this.limits.maxInlineBytes) {
            // A huge integer: stream past it.
            const got = await r.skip(n);
            if (got < n) throw new DecodeError(`truncated: ${info.name} needs ${n} bytes`, pos);
            skipped = n;
            this.push({ t: 'int', v: 0n }, pos);
            break;
          }
          if (r.available < n) await this.need(n, pos, info.name);
          const data = r.view(n);
          if (trace) raw = data.slice();
          const big = decodeLong(data);
          this.push(
            { t: 'int', v: big >= -(2n ** 53n) && big <= 2n ** 53n ? Number(big) : big },
            pos,
          );
          break;
        }
        case OP.INT:
        case OP.LONG: {
          const line = await this.readLine(pos, info.name);
          if (trace) raw = line.slice();
          const text = latin1(line);
          if (code === OP.INT && (text === '00' || text === '01')) {
            this.push(text === '01' ? TRUE : FALSE, pos);
            break;
          }
          const parsed = parsePyInt(
            code === OP.LONG && text.endsWith('L') ? text.slice(0, -1) : text,
          );
          if (parsed === undefined) {
            this.invalid(
              pos,
              `${info.name} argument ${JSON.stringify(text.slice(0, 40))} is not a decimal integer`,
            );
            this.push(unknown('bad integer'), pos);
          } else {
            this.push(
              {
                t: 'int',
                v: parsed >= -(2n ** 53n) && parsed <= 2n ** 53n ? Number(parsed) : parsed,
              },
              pos,
            );
          }
          break;
        }
        case OP.FLOAT: {
          const line = await this.readLine(pos, 'FLOAT');
          if (trace) raw = line.slice();
          this.push(FLOAT, pos);
          break;
        }
        case OP.BINFLOAT: {
          if (r.available < 8) await this.need(8, pos, 'BINFLOAT');
          const view = r.view(8);
          if (trace) raw = view.slice();
          this.push(FLOAT, pos);
          break;
        }
        case OP.STRING: {
          const line = await this.readLine(pos, 'STRING');
          if (trace) raw = line.slice();
          const q = line[0];
          if (line.length < 2 || (q !== 0x22 && q !== 0x27) || line[line.length - 1] !== q) {
            this.invalid(pos, 'the STRING opcode argument must be quoted');
            this.push(unknown('unquoted STRING'), pos);
            break;
          }
          let value: Value;
          try {
            const decoded = escapeDecode(line.subarray(1, line.length - 1));
            const text = latin1(decoded);
            value = this.text(text);
            const offered = this.offerString(text, pos);
            if (offered !== undefined) await offered;
          } catch (error) {
            if (!(error instanceof TextDecodeError)) throw error;
            this.invalid(pos, `STRING argument: ${error.message}`);
            value = unknown('bad STRING escape');
          }
          this.push(value, pos);
          break;
        }
        case OP.BINSTRING:
        case OP.SHORT_BINSTRING: {
          const width = code === OP.SHORT_BINSTRING ? 1 : 4;
          const uLen = this.lengthOf(width, pos, info.name, true);
          const u = typeof uLen === 'number' ? uLen : await uLen;
          const pending = this.payload(u, pos, info.name, 'bytes');
          const data = pending instanceof Promise ? await pending : pending;
          if (trace && data) raw = data.slice();
          if (data === undefined) skipped = u;
          this.push(
            data === undefined || u > MAX_STR_VALUE
              ? { t: 'bytes', n: u }
              : { t: 'str', v: latin1(data) },
            pos,
          );
          break;
        }
        case OP.BINBYTES:
        case OP.SHORT_BINBYTES:
        case OP.BINBYTES8:
        case OP.BYTEARRAY8: {
          this.checkProto(info, pos);
          const width = code === OP.SHORT_BINBYTES ? 1 : code === OP.BINBYTES ? 4 : 8;
          const nLen = this.lengthOf(width, pos, info.name, false);
          const n = typeof nLen === 'number' ? nLen : await nLen;
          const pending = this.payload(n, pos, info.name, 'bytes');
          const data = pending instanceof Promise ? await pending : pending;
          if (trace && data) raw = data.slice();
          if (data === undefined) skipped = n;
          this.push({ t: 'bytes', n }, pos);
          break;
        }
        case OP.UNICODE: {
          const line = await this.readLine(pos, 'UNICODE');
          if (trace) raw = line.slice();
          try {
            const text = rawUnicodeEscape(line);
            this.push(this.text(text), pos);
            const offered = this.offerString(text, pos);
            if (offered !== undefined) await offered;
          } catch (error) {
            if (!(error instanceof TextDecodeError)) throw error;
            this.invalid(pos, `UNICODE argument: ${error.message}`);
            this.push(unknown('bad UNICODE escape'), pos);
          }
          break;
        }
        case OP.SHORT_BINUNICODE:
        case OP.BINUNICODE:
        case OP.BINUNICODE8: {
          this.checkProto(info, pos);
          const width = code === OP.SHORT_BINUNICODE ? 1 : code === OP.BINUNICODE ? 4 : 8;
          const nLen = this.lengthOf(width, pos, info.name, false);
          const n = typeof nLen === 'number' ? nLen : await nLen;
          if (trace === undefined && n <= MAX_STR_VALUE && r.available >= n) {
            // Hot path (vocabularies, attribute names): buffered ASCII, decoded in place.
            const text = r.ascii(n);
            if (text !== undefined) {
              this.push({ t: 'str', v: text }, pos);
              const offered = this.offerString(text, pos);
              if (offered !== undefined) await offered;
              break;
            }
          }
          const pending = this.payload(n, pos, info.name, 'str');
          const data = pending instanceof Promise ? await pending : pending;
          if (trace && data) raw = data.slice();
          if (data === undefined) {
            skipped = n;
            this.push(unknown('large string not kept'), pos);
            break;
          }
          try {
            const text = utf8SurrogatePass(data);
            this.push(this.text(text), pos);
            const offered = this.offerString(text, pos);
            if (offered !== undefined) await offered;
          } catch (error) {
            if (!(error instanceof TextDecodeError)) throw error;
            this.invalid(pos, `${info.name} is not valid UTF-8: ${error.message}`);
            this.push({ t: 'str', v: utf8(data).text }, pos);
          }
          break;
        }

        // ---- containers
        case OP.EMPTY_LIST:
          this.push(LIST, pos);
          break;
        case OP.EMPTY_TUPLE:
          this.push(tuple([]), pos);
          break;
        case OP.EMPTY_DICT:
          this.push({ t: 'dict', items: new Map() }, pos);
          break;
        case OP.EMPTY_SET:
          this.checkProto(info, pos);
          this.push(SET, pos);
          break;
        case OP.LIST:
          this.popMark(pos, 'LIST');
          this.push(LIST, pos);
          break;
        case OP.TUPLE:
          this.push(tuple(this.popMark(pos, 'TUPLE')), pos);
          break;
        case OP.TUPLE1:
        case OP.TUPLE2:
        case OP.TUPLE3: {
          const n = code - OP.TUPLE1 + 1;
          const items: Value[] = new Array(n);
          for (let i = n - 1; i >= 0; i--) items[i] = this.pop(pos, info.name);
          this.push(tuple(items), pos);
          break;
        }
        case OP.DICT: {
          const items = this.popMark(pos, 'DICT');
          const dict: DictValue = { t: 'dict', items: new Map() };
          if (items.length % 2 !== 0) this.invalid(pos, 'odd number of items for DICT');
          for (let i = 0; i + 1 < items.length; i += 2)
            this.dictSet(dict, items[i] as Value, items[i + 1] as Value);
          this.push(dict, pos);
          break;
        }
        case OP.FROZENSET:
          this.popMark(pos, 'FROZENSET');
          this.push(FROZENSET, pos);
          break;
        case OP.APPEND: {
          this.pop(pos, 'APPEND');
          this.containerOp(this.top(pos, 'APPEND'), pos, 'APPEND');
          break;
        }
        case OP.APPENDS: {
          this.popMark(pos, 'APPENDS');
          this.containerOp(this.top(pos, 'APPENDS'), pos, 'APPENDS');
          break;
        }
        case OP.ADDITEMS: {
          this.popMark(pos, 'ADDITEMS');
          this.containerOp(this.top(pos, 'ADDITEMS'), pos, 'ADDITEMS');
          break;
        }
        case OP.SETITEM: {
          const value = this.pop(pos, 'SETITEM');
          const key = this.pop(pos, 'SETITEM');
          const target = this.top(pos, 'SETITEM');
          if (target.t === 'dict') this.dictSet(target, key, value);
          else this.containerOp(target, pos, 'SETITEM');
          break;
        }
        case OP.SETITEMS: {
          const items = this.popMark(pos, 'SETITEMS');
          const target = this.top(pos, 'SETITEMS');
          if (items.length % 2 !== 0) this.invalid(pos, 'odd number of items for SETITEMS');
          if (target.t === 'dict') {
            for (let i = 0; i + 1 < items.length; i += 2)
              this.dictSet(target, items[i] as Value, items[i + 1] as Value);
          } else {
            this.containerOp(target, pos, 'SETITEMS');
          }
          break;
        }

        // ---- stack and memo
        case OP.POP:
          if (this.stack.length > (this.marks[this.marks.length - 1] ?? 0)) this.stack.pop();
          else if (this.marks.length > 0) this.popMark(pos, 'POP');
          else this.invalid(pos, 'POP on an empty stack (pickle.load raises here)');
          break;
        case OP.POP_MARK:
          this.popMark(pos, 'POP_MARK');
          break;
        case OP.DUP:
          this.dups++;
          this.push(this.top(pos, 'DUP'), pos);
          break;
        case OP.MARK:
          if (this.marks.length >= this.limits.maxStackDepth) {
            throw new LimitError(`more than ${this.limits.maxStackDepth} nested MARKs`, pos);
          }
          this.marks.push(this.stack.length);
          break;
        case OP.GET:
        case OP.PUT: {
          const line = await this.readLine(pos, info.name);
          if (trace) raw = line.slice();
          const idx = parsePyInt(latin1(line));
          if (idx === undefined) {
            this.invalid(pos, `${info.name} argument is not an integer`);
            if (code === OP.GET) this.push(unknown('bad memo key'), pos);
            break;
          }
          if (code === OP.GET) this.memoGet(Number(idx), pos, 'GET');
          else this.memoPut(Number(idx), pos, 'PUT');
          break;
        }
        case OP.BINGET:
        case OP.BINPUT: {
          if (r.available < 1) await this.need(1, pos, info.name);
          const idx = r.u8();
          if (trace) raw = Uint8Array.of(idx);
          if (code === OP.BINGET) this.memoGet(idx, pos, 'BINGET');
          else this.memoPut(idx, pos, 'BINPUT');
          break;
        }
        case OP.LONG_BINGET:
        case OP.LONG_BINPUT: {
          if (r.available < 4) await this.need(4, pos, info.name);
          if (trace) raw = r.peekView(4).slice();
          const idx = r.u32le();
          if (code === OP.LONG_BINGET) this.memoGet(idx, pos, 'LONG_BINGET');
          else this.memoPut(idx, pos, 'LONG_BINPUT');
          break;
        }
        case OP.MEMOIZE:
          this.checkProto(info, pos);
          this.memoPut(this.memoSize, pos, 'MEMOIZE');
          break;

        // ---- imports
        case OP.GLOBAL:
        case OP.INST: {
          const l1 = await this.readLine(pos, info.name);
          const l2 = await this.readLine(pos, info.name);
          if (trace) {
            raw = l1.slice();
            raw2 = l2.slice();
          }
          const m = utf8(l1);
          const n = utf8(l2);
          if (!m.valid || !n.valid) {
            this.invalid(
              pos,
              `${info.name} module or name is not valid UTF-8 (pickle.load raises here)`,
            );
          }
          const g: Value = { t: 'global', module: m.text, name: n.text, off: pos };
          events.onImport({
            module: m.text,
            name: n.text,
            offset: pos,
            opcode: info.name as ImportOpcode,
          });
          if (code === OP.GLOBAL) this.push(g, pos);
          else this.construct('INST', g, this.popMark(pos, 'INST'), pos);
          break;
        }
        case OP.STACK_GLOBAL: {
          this.checkProto(info, pos);
          const nameV = this.pop(pos, 'STACK_GLOBAL');
          const moduleV = this.pop(pos, 'STACK_GLOBAL');
          const module = this.str(moduleV);
          const name = this.str(nameV);
          if (module !== undefined && name !== undefined) {
            events.onImport({ module, name, offset: pos, opcode: 'STACK_GLOBAL' });
            this.push({ t: 'global', module, name, off: pos }, pos);
          } else {
            events.onIssue({
              kind: 'unresolved-import',
              offset: pos,
              message: `STACK_GLOBAL imports a name that is not a constant string: module ${describe(moduleV)}, name ${describe(nameV)}`,
              detail: { module: describe(moduleV), name: describe(nameV) },
            });
            this.push(unknown('unresolved import'), pos);
          }
          break;
        }
        case OP.EXT1:
        case OP.EXT2:
        case OP.EXT4: {
          this.checkProto(info, pos);
          const width = code === OP.EXT1 ? 1 : code === OP.EXT2 ? 2 : 4;
          if (r.available < width) await this.need(width, pos, info.name);
          const view = r.view(width);
          if (trace) raw = view.slice();
          let ext = this.uint(view);
          if (width === 4 && ext >= 0x80000000) ext -= 0x100000000;
          events.onIssue({
            kind: 'unresolved-import',
            offset: pos,
            message: `${info.name} imports extension code ${ext} from copyreg's extension registry, which a scanner cannot see`,
            detail: { extensionCode: ext },
          });
          this.push({ t: 'ext', code: ext }, pos);
          break;
        }

        // ---- calls
        case OP.REDUCE: {
          const args = this.pop(pos, 'REDUCE');
          const fn = this.pop(pos, 'REDUCE');
          if (args.t !== 'tuple' && args.t !== 'unknown') {
            this.invalid(pos, `REDUCE arguments are ${describe(args)}, not a tuple`);
          }
          this.construct('REDUCE', fn, tupleItems(args), pos);
          break;
        }
        case OP.NEWOBJ:
        case OP.NEWOBJ_EX: {
          this.checkProto(info, pos);
          if (code === OP.NEWOBJ_EX) this.pop(pos, info.name);
          const args = this.pop(pos, info.name);
          const cls = this.pop(pos, info.name);
          this.construct(info.name, cls, tupleItems(args), pos);
          break;
        }
        case OP.OBJ: {
          const items = this.popMark(pos, 'OBJ');
          if (items.length === 0)
            this.invalid(pos, 'OBJ with an empty mark (pickle.load raises here)');
          this.construct('OBJ', items[0] ?? unknown('OBJ without class'), items.slice(1), pos);
          break;
        }
        case OP.BUILD: {
          const state = this.pop(pos, 'BUILD');
          const target = this.top(pos, 'BUILD');
          if (target.t === 'obj') {
            this.recordBuild(target, state, pos);
            if (events.afterBuild !== undefined) {
              this.frameCheck(pos, r.pos);
              const frameEnd = this.frameEnd;
              const dataStart = r.pos;
              if (await events.afterBuild(target, this)) {
                if (frameEnd > dataStart) {
                  this.frameIssue(
                    pos,
                    `raw data read after BUILD at ${pos} starts inside a FRAME that ends at ${frameEnd}; joblib reads it from after the frame`,
                    frameEnd,
                  );
                }
                this.frameEnd = -1;
              }
            }
          } else if (target.t === 'global' || target.t === 'ext' || target.t === 'unknown') {
            events.onIssue({
              kind: 'build-on-global',
              offset: pos,
              message: `BUILD sets state on ${describe(target)} itself (not on a new instance): attribute overwrite or __setstate__ of an imported object`,
              detail: { target: describe(target) },
            });
            events.onCall({ offset: pos, opcode: 'BUILD', callee: target, args: [state] });
          }
          break;
        }
        case OP.PERSID: {
          const line = await this.readLine(pos, 'PERSID');
          if (trace) raw = line.slice();
          const pid: Value = { t: 'str', v: latin1(line) };
          events.onPersistentId?.(pid, pos);
          this.push({ t: 'persid', pid }, pos);
          break;
        }
        case OP.BINPERSID: {
          const pid = this.pop(pos, 'BINPERSID');
          events.onPersistentId?.(pid, pos);
          this.push({ t: 'persid', pid }, pos);
          break;
        }
        case OP.NEXT_BUFFER:
          this.checkProto(info, pos);
          events.onIssue({
            kind: 'out-of-band',
            offset: pos,
            message:
              'NEXT_BUFFER: the pickle refers to out-of-band buffers that its loader must supply',
          });
          this.push(BUFFER, pos);
          break;
        case OP.READONLY_BUFFER:
          this.checkProto(info, pos);
          this.top(pos, 'READONLY_BUFFER');
          break;
        default:
          throw new Error(`opcode ${info.name} is in the table but not handled`);
      }
      if (this.frameEnd >= 0) this.frameCheck(pos, r.pos);
      if (trace)
        trace({
          pos,
          info,
          ...(raw && { raw }),
          ...(raw2 && { raw2 }),
          ...(skipped !== undefined && { skipped }),
        });
    }
  }

  private frameIssue(pos: number, message: string, resyncAt: number): void {
    this.frameIssues++;
    if (this.frameIssues > 16) return;
    this.events.onIssue({ kind: 'frame', offset: pos, message, resyncAt });
  }

  /** An opcode that starts inside a frame must end inside it. */
  private frameCheck(pos: number, end: number): void {
    if (this.frameEnd >= 0 && pos < this.frameEnd && end > this.frameEnd) {
      const frameEnd = this.frameEnd;
      this.frameEnd = -1;
      this.frameIssue(
        pos,
        `opcode at ${pos} runs past the end of its FRAME (${frameEnd}); loaders that honour frames read different opcodes from here`,
        frameEnd,
      );
    }
  }

  private dictSet(dict: DictValue, key: Value, value: Value): void {
    if (dict.items === undefined) return;
    if (key.t !== 'str' || dict.items.size >= MAX_TRACKED_ITEMS) {
      dict.items = undefined;
      return;
    }
    dict.items.set(key.v, value);
  }

  private containerOp(target: Value, pos: number, op: string): void {
    if (target.t === 'obj' || target.t === 'global') {
      // list.append / dict.__setitem__ on an arbitrary object calls its method.
      this.events.onCall({
        offset: pos,
        opcode: op,
        callee: target.t === 'obj' ? target.fn : target,
        args: undefined,
      });
    } else if (
      target.t !== 'list' &&
      target.t !== 'dict' &&
      target.t !== 'set' &&
      target.t !== 'unknown'
    ) {
      this.invalid(
        pos,
        `${op} on ${describe(target)}, which is not a container (pickle.load raises here)`,
      );
    }
  }

  private recordBuild(target: ObjValue, state: Value, pos: number): void {
    target.state = state;
    this.events.onCall({ offset: pos, opcode: 'BUILD', callee: target.fn, args: [state] });
  }

  /** Bytes the machine's reader can hand to a format hook (joblib arrays). */
  async readRaw(n: number, what: string): Promise<Uint8Array> {
    const pos = this.reader.pos;
    await this.need(n, pos, what);
    return this.reader.view(n);
  }

  /** Skips raw bytes (array data) inside the stream; throws a decode error when truncated. */
  async skipRaw(n: number, what: string): Promise<void> {
    const pos = this.reader.pos;
    const got = await this.reader.skip(n);
    if (got < n)
      throw new DecodeError(`truncated: ${what} needs ${n} bytes but only ${got} remain`, pos);
  }

  /** Runs a nested stream on the same reader (joblib object arrays), preserving this stream's state. */
  async runNested(): Promise<StreamEnd> {
    const saved = {
      stack: this.stack,
      marks: this.marks,
      memo: this.memo,
      memoSize: this.memoSize,
      proto: this.proto,
      frameEnd: this.frameEnd,
      gets: this.gets,
      puts: this.puts,
      dups: this.dups,
    };
    const streamStart = this.streamStart;
    const streamFirstOp = this.streamFirstOp;
    try {
      return await this.runStream();
    } finally {
      Object.assign(this, saved);
      this.streamStart = streamStart;
      this.streamFirstOp = streamFirstOp;
    }
  }

  /** Raises a decode error from a format hook, ending the stream as malformed. */
  fail(message: string): never {
    throw new DecodeError(message, this.reader.pos);
  }

  /** Raises a limit error from a format hook, ending the stream as incomplete. */
  limit(message: string): never {
    throw new LimitError(message, this.reader.pos);
  }
}
