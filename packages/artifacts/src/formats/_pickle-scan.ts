import type { Severity } from '@mlwarden/core';
import { normalisePath } from '../classify/classify-import.js';
import { ByteReader, inMemory } from '../io/_byte-reader.js';
import { quietBreak } from '../pickle/_quiet-break.js';
import { describe, type ObjValue, type Value } from '../pickle/_values.js';
import {
  type CallEvent,
  type ConstantEvent,
  type ImportEvent,
  type IssueEvent,
  type IssueKind,
  isIdentifierPath,
  type PickleEvents,
  PickleMachine,
  type StreamEnd,
} from '../pickle/pickle-machine.js';
import type { ScanContext } from '../scan/scan-context.js';
import type { ArtifactFinding, ArtifactRule } from '../scan/scan-result.js';
import type { ScanUnit } from '../scan/scan-unit.js';
import { type Source, sourceFromBytes } from '../scan/source.js';
import { joblibArrayHook } from './_joblib-arrays.js';
import { MAX_STORAGES, type StorageRef, storageCollector, storageRef } from './_torch-storages.js';

export interface PickleScanOptions {
  /**
   * `pickle`: the content is a pickle (magic at offset 0) and everything found is reported.
   * `trial`: the content might be one; findings are kept only if the first stream reaches STOP or
   * imports a real (identifier) name, i.e. if `pickle.load` would get far enough to run anything.
   */
  mode: 'pickle' | 'trial';
  /** Offset in the source where the stream starts. */
  start?: number;
  /** Absolute offset reported for byte 0 of the source (nested constants). */
  origin?: number;
  /** The container's loader defines persistent ids (PyTorch), so they are expected. */
  expectPersistentIds?: boolean;
  /** Where this pickle sits, for evidence (e.g. `bytes constant at 812`). */
  nestedIn?: string;
  /** The content starts with a PROTO opcode (a trial is then more likely a real pickle). */
  strongMagic?: boolean;
}

export interface PickleScanResult {
  /** The content was taken for a pickle (always, outside trials): its findings were reported. */
  committed: boolean;
}

const SUBIMPORTERS = new Set([
  'cloudpickle.cloudpickle.subimport',
  'cloudpickle.cloudpickle.dynamic_subimport',
  'cloudpickle.cloudpickle_fast.subimport',
  'dill._dill._import_module',
  'importlib.import_module',
  'builtins.__import__',
]);

const SUBIMPORTER_NAMES = new Set([...SUBIMPORTERS].map((p) => p.slice(p.lastIndexOf('.') + 1)));

/** Pickle of PyTorch's legacy magic number 0x1950a86a20f9469cfc6c, protocol 2. */
const LEGACY_TORCH_MAGIC = Uint8Array.from([
  0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e,
]);

export function isLegacyTorchMagic(head: Uint8Array): boolean {
  if (head.length < LEGACY_TORCH_MAGIC.length) return false;
  return LEGACY_TORCH_MAGIC.every((b, i) => head[i] === b);
}

const TORCHSCRIPT_HELPERS = new Set([
  'torch.jit._pickle.build_intlist',
  'torch.jit._pickle.build_doublelist',
  'torch.jit._pickle.build_boollist',
  'torch.jit._pickle.build_tensorlist',
  'torch.jit._pickle.build_complexlist',
  'torch.jit._pickle.restore_type_tag',
]);

/** Names TorchScript's C++ unpickler resolves itself (never a Python import). */
function isTorchScriptName(module: string, name: string): boolean {
  return (
    module === '__torch__' ||
    module.startsWith('__torch__.') ||
    TORCHSCRIPT_HELPERS.has(`${module}.${name}`)
  );
}

interface ImportAgg {
  module: string;
  name: string;
  offset: number;
  opcodes: Set<string>;
  count: number;
  calls: number;
  firstCall?: number;
  callOpcode?: string;
  args?: string;
}

interface IssueAgg {
  first: IssueEvent;
  count: number;
}

/**
 * What cloudpickle and dill themselves import to rebuild functions and classes. In a stream that
 * already rebuilds code, they are part of that embedded code rather than a separate trampoline.
 */
const EMBEDDED_COMPANIONS = new Set([
  'builtins.setattr',
  'builtins.getattr',
  'builtins.type',
  'builtins.__dict__',
  'builtins.classmethod',
  'builtins.staticmethod',
  'builtins.property',
]);

const MAX_IMPORTS = 10_000;
const MAX_RESYNC_WINDOW = 1024 * 1024;

/** Turns machine events of one stream into findings; buffers them until the stream is judged. */
class StreamSink implements PickleEvents {
  imports = new Map<string, ImportAgg>();
  issues = new Map<string, IssueAgg>();
  unresolved: IssueEvent[] = [];
  persistentIds = 0;
  firstPersistentId = -1;
  /** An import of a real dotted name happened (what a trial needs to be taken seriously). */
  realImport = false;
  resyncOffsets: number[] = [];
  nested: (() => Promise<void>)[] = [];
  usedJoblib = false;
  /** Anything odd happened (which in a trial means: not a pickle a loader would accept). */
  odd = false;
  /** A real (identifier) global was called. */
  calledGlobal = false;

  constructor(
    private readonly scan: PickleScan,
    private readonly trial: boolean,
    private readonly strong: boolean,
  ) {}

  /** `imports` by module, then name: looked up without building a key per import or call. */
  private readonly byModule = new Map<string, Map<string, ImportAgg>>();

  private importOf(module: string, name: string): ImportAgg | undefined {
    return this.byModule.get(module)?.get(name);
  }

  onImport(e: ImportEvent | (Omit<ImportEvent, 'opcode'> & { opcode: string })): void {
    if (isIdentifierPath(e.module) && (e.name === '' || isIdentifierPath(e.name)))
      this.realImport = true;
    let agg = this.importOf(e.module, e.name);
    if (agg === undefined) {
      if (this.imports.size >= MAX_IMPORTS) {
        this.onIssue({
          kind: 'limit',
          offset: e.offset,
          message: `more than ${MAX_IMPORTS} distinct imports in one stream`,
        });
        return;
      }
      agg = {
        module: e.module,
        name: e.name,
        offset: e.offset,
        opcodes: new Set(),
        count: 0,
        calls: 0,
      };
      this.imports.set(`${e.module}\u0000${e.name}`, agg);
      let names = this.byModule.get(e.module);
      if (names === undefined) {
        names = new Map();
        this.byModule.set(e.module, names);
      }
      names.set(e.name, agg);
    }
    agg.count++;
    agg.opcodes.add(e.opcode);
  }

  onCall(e: CallEvent): void {
    const callee = e.callee;
    if (callee.t !== 'global') return;
    if (isIdentifierPath(callee.module)) this.calledGlobal = true;
    const agg = this.importOf(callee.module, callee.name);
    if (agg !== undefined) {
      agg.calls++;
      if (agg.firstCall === undefined) {
        agg.firstCall = e.offset;
        agg.callOpcode = e.opcode;
        // The arguments are reported for dangerous calls only: not described for the others.
        if (e.args !== undefined && this.scan.isDangerous(callee.module, callee.name))
          agg.args = e.args
            .slice(0, 4)
            .map((a) => describe(a))
            .join(', ');
      }
    }
    // A call that imports by name: judge the module it names.
    const path = SUBIMPORTER_NAMES.has(callee.name)
      ? normalisePath(`${callee.module}.${callee.name}`)
      : '';
    if (SUBIMPORTERS.has(path)) {
      const first = e.args?.[0];
      if (first?.t === 'str') {
        this.onImport({ module: first.v, name: '', offset: e.offset, opcode: `call:${path}` });
      }
    }
  }

  onIssue(e: IssueEvent): void {
    // A limit says nothing about whether this is a pickle; everything else odd does.
    if (e.kind !== 'limit') this.odd = true;
    if (e.kind === 'unresolved-import') {
      if (this.unresolved.length < 20) this.unresolved.push(e);
      return;
    }
    if (e.kind === 'frame' && e.resyncAt !== undefined && this.resyncOffsets.length < 4) {
      this.resyncOffsets.push(e.resyncAt);
    }
    const key = e.kind === 'expansion' ? `${e.kind}:${e.message.split(' ')[1]}` : e.kind;
    const agg = this.issues.get(key);
    if (agg === undefined) this.issues.set(key, { first: e, count: 1 });
    else agg.count++;
  }

  onPersistentId(pid: Value, offset: number): void {
    this.odd = true;
    if (this.persistentIds++ === 0) this.firstPersistentId = offset;
    const storages = this.scan.storages;
    if (storages !== undefined && storages.length < MAX_STORAGES) {
      const ref = storageRef(pid, offset);
      if (ref !== undefined) storages.push(ref);
    }
  }

  async onConstant(event: ConstantEvent): Promise<void> {
    await this.scan.nested(event);
  }

  async afterBuild(target: ObjValue, machine: PickleMachine): Promise<boolean> {
    const used = await joblibArrayHook(target, machine);
    if (used) this.usedJoblib = true;
    return used;
  }

  /**
   * Whether this stream is a pickle worth reporting. Outside trials always. In a trial only when it
   * imports a real dotted name (nothing can run without an import), computes an import after a
   * PROTO magic, or is a flawless pickle that reaches STOP.
   */
  signal(end: StreamEnd): boolean {
    if (!this.trial) return true;
    if (this.strong && (this.realImport || this.unresolved.length > 0)) return true;
    // A flawless pickle, or one that was flawless up to a scan limit (then it is incomplete).
    if ((end.kind === 'stop' || end.kind === 'limit') && !this.odd) return true;
    if (!this.realImport) return false;
    // Without a PROTO magic, text can look like GLOBAL ("cat\ndog\n"): an unlisted import
    // counts only when something is also called, a dangerous one always.
    return (
      this.calledGlobal ||
      [...this.imports.values()].some((i) => this.scan.isFlagged(i.module, i.name))
    );
  }
}

const ISSUE_RULES: Record<
  Exclude<IssueKind, 'unresolved-import'>,
  { rule: ArtifactRule; severity: Severity }
> = {
  malformed: { rule: 'malformed-pickle', severity: 'high' },
  invalid: { rule: 'invalid-pickle', severity: 'high' },
  frame: { rule: 'frame-mismatch', severity: 'high' },
  limit: { rule: 'scan-limit', severity: 'low' },
  'indirect-call': { rule: 'indirect-call', severity: 'medium' },
  'build-on-global': { rule: 'build-on-global', severity: 'high' },
  expansion: { rule: 'expansion', severity: 'high' },
  'out-of-band': { rule: 'out-of-band-buffers', severity: 'low' },
  protocol: { rule: 'protocol-mismatch', severity: 'low' },
};

/** Scans the pickle streams of one source into one unit. */
class PickleScan {
  private readonly emitted = new Map<string, ArtifactFinding>();
  /** Where storage persistent ids go, when the container checks them (PyTorch data.pkl). */
  readonly storages: StorageRef[] | undefined;

  constructor(
    private readonly source: Source,
    private readonly unit: ScanUnit,
    private readonly ctx: ScanContext,
    private readonly depth: number,
    private readonly options: PickleScanOptions,
  ) {
    this.storages = storageCollector(unit);
  }

  /** True when an import is on the deny list (the classification `flush` reports it by). */
  isDangerous(module: string, name: string): boolean {
    return this.ctx.classifyImport(module, name).verdict === 'dangerous';
  }

  /** True when an import is on the deny list or embedded code (not merely unlisted). */
  isFlagged(module: string, name: string): boolean {
    const v = this.ctx.classifyImport(module, name).verdict;
    return v === 'dangerous' || v === 'embedded-code';
  }

  private machineFor(reader: ByteReader, sink: StreamSink): PickleMachine {
    const l = this.ctx.limits;
    return new PickleMachine(reader, sink, {
      limits: {
        maxOpcodes: l.maxOpcodes,
        maxStackDepth: l.maxStackDepth,
        maxMemoEntries: l.maxMemoEntries,
        maxNestedBytes: l.maxNestedBytes,
        maxStreamBytes: l.maxPickleStreamBytes,
      },
      deadline: this.ctx.deadline,
      ...(this.ctx.signal !== undefined && { signal: this.ctx.signal }),
    });
  }

  async run(): Promise<PickleScanResult> {
    const start = this.options.start ?? 0;
    const origin = this.options.origin ?? 0;
    const chunks = this.source.stream(start);
    if (this.options.mode === 'trial' && start === 0) {
      // Most trials (tensor bytes, short text members) break before doing anything: skipped.
      const memory = inMemory(chunks);
      const l = this.ctx.limits;
      const quiet =
        memory &&
        quietBreak(
          memory.bytes,
          Math.min(l.maxOpcodes, l.maxStackDepth, l.maxMemoEntries, l.maxPickleStreamBytes),
        );
      if (quiet !== undefined) {
        if (quiet.askedPastEnd) memory?.onEnd?.();
        return { committed: false };
      }
    }
    const reader = ByteReader.fromStream(chunks, origin + start);
    let trial = this.options.mode === 'trial';
    let streams = 0;
    let committed = false;
    let legacyTorch = false;
    let expectPids = this.options.expectPersistentIds ?? this.unit.hints.persistentIds === true;
    for (;;) {
      const sink = new StreamSink(this, trial, this.options.strongMagic === true);
      const machine = this.machineFor(reader, sink);
      const end = await machine.runStream();
      if (end.kind === 'empty') break;
      if (!sink.signal(end)) {
        // Not a pickle (or trailing data after the last one): pickle.load would fail before
        // importing anything, so nothing in it can run.
        break;
      }
      committed = true;
      if (
        streams === 0 &&
        end.kind === 'stop' &&
        start === 0 &&
        isLegacyTorchMagic(this.source.head)
      ) {
        legacyTorch = true;
        expectPids = true;
        this.unit.addFormat('pytorch-legacy');
      }
      if (sink.usedJoblib) this.unit.addFormat('joblib');
      streams++;
      this.flush(sink, end, expectPids);
      for (const at of sink.resyncOffsets) await this.resync(at, 'frame');
      if (end.kind !== 'stop') {
        const where = `pickle stream at offset ${end.start}`;
        this.unit.incomplete(
          end.kind === 'limit'
            ? `${where}: ${end.message}`
            : `${where} is malformed at ${end.end}: ${end.message}`,
        );
        if (end.kind === 'malformed') await this.resyncAfter(end.end);
        break;
      }
      if (this.ctx.expired()) {
        this.unit.incomplete('time limit reached (maxTimeMs) or scan cancelled');
        break;
      }
      // Another stream may follow (legacy PyTorch writes five); trailing bytes are tried.
      trial = true;
    }
    if (legacyTorch) {
      this.unit.report({
        rule: 'legacy-torch-format',
        severity: 'medium',
        message:
          'legacy (pre-1.6) PyTorch serialization: torch.load cannot use weights_only=True on it, so loading runs the pickle unrestricted',
        offset: 0,
      });
    }
    return { committed };
  }

  /** Tries pickle magics just after a break: a second loader or a frame-honouring one may start there. */
  private async resyncAfter(offset: number): Promise<void> {
    if (this.source.read === undefined || this.options.origin !== undefined) return;
    const window = await this.source.read(offset + 1, offset + 1 + MAX_RESYNC_WINDOW);
    let tried = 0;
    for (let i = 0; i + 1 < window.length && tried < 8; i++) {
      if (window[i] === 0x80 && (window[i + 1] as number) >= 2 && (window[i + 1] as number) <= 5) {
        tried++;
        await this.resync(offset + 1 + i, 'resync');
      }
    }
  }

  private async resync(at: number, why: 'frame' | 'resync'): Promise<void> {
    if (this.depth + 1 > this.ctx.limits.maxDepth) return;
    const sub = new PickleScan(this.source, this.unit, this.ctx, this.depth + 1, {
      mode: 'trial',
      strongMagic: true,
      start: at - (this.options.origin ?? 0),
      ...(this.options.origin !== undefined && { origin: this.options.origin }),
      nestedIn:
        why === 'frame'
          ? `stream re-read from the end of a FRAME at ${at}`
          : `stream found after a break, at ${at}`,
      ...(this.options.expectPersistentIds !== undefined && {
        expectPersistentIds: this.options.expectPersistentIds,
      }),
    });
    await sub.run();
  }

  /** Scans a constant that may itself be a pickle (`pickle.loads(b"...")`, object arrays). */
  async nested(event: ConstantEvent): Promise<void> {
    if (this.depth + 1 > this.ctx.limits.maxDepth) {
      if (event.strong) {
        this.unit.report({
          rule: 'scan-limit',
          severity: 'low',
          message: `a constant at ${event.offset} looks like a pickle but is nested deeper than maxDepth (${this.ctx.limits.maxDepth})`,
          offset: event.offset,
          evidence: { limit: 'maxDepth' },
        });
        this.unit.incomplete(`nested pickle at ${event.offset} deeper than maxDepth`);
      }
      return;
    }
    const sub = new PickleScan(
      sourceFromBytes('constant', event.bytes),
      this.unit,
      this.ctx,
      this.depth + 1,
      {
        mode: 'trial',
        origin: event.offset,
        strongMagic: event.strong,
        nestedIn: `${event.from} constant at offset ${event.offset}`,
      },
    );
    await sub.run();
  }

  private emit(key: string, finding: Parameters<ScanUnit['report']>[0]): void {
    const existing = this.emitted.get(key);
    if (existing !== undefined) {
      const n = (existing.evidence.occurrences as number | undefined) ?? 1;
      existing.evidence.occurrences =
        n + ((finding.evidence?.occurrences as number | undefined) ?? 1);
      return;
    }
    const full = this.unit.report(finding);
    if (full !== undefined) this.emitted.set(key, full);
  }

  private flush(sink: StreamSink, end: StreamEnd, expectPids: boolean): void {
    const nestedIn = this.options.nestedIn;
    const context = nestedIn !== undefined ? { nestedIn } : {};
    const classified = [...sink.imports.values()].map((agg) => ({
      agg,
      c: this.ctx.classifyImport(agg.module, agg.name),
    }));
    const embedded = classified.some(({ c }) => c.verdict === 'embedded-code');
    for (const { agg, c: raw } of classified) {
      if (this.unit.hints.torchscript === true && isTorchScriptName(agg.module, agg.name)) continue;
      if (raw.verdict === 'allowed' || raw.severity === undefined) continue;
      const companion = embedded && EMBEDDED_COMPANIONS.has(raw.path);
      const c = companion
        ? {
            ...raw,
            verdict: 'embedded-code' as const,
            severity: 'high' as const,
            category: 'embedded-code' as const,
            reason: `${raw.reason}; used here by cloudpickle/dill to rebuild code`,
          }
        : raw;
      const rule: ArtifactRule =
        c.verdict === 'dangerous'
          ? 'dangerous-import'
          : c.verdict === 'embedded-code'
            ? 'embedded-code'
            : 'unlisted-import';
      const what = agg.name === '' ? agg.module : `${agg.module}.${agg.name}`;
      const called =
        agg.firstCall !== undefined
          ? `; called (${agg.callOpcode}) at offset ${agg.firstCall}`
          : '';
      const label =
        c.verdict === 'unlisted' ? 'not an allow-listed model class' : `${c.category}: ${c.reason}`;
      this.emit(`${rule}:${agg.module}:${agg.name}`, {
        rule,
        severity: c.severity ?? raw.severity,
        message: `imports ${what} (${label})${called}`,
        offset: agg.offset,
        module: agg.module,
        name: agg.name,
        evidence: {
          module: agg.module,
          name: agg.name,
          resolved: c.path,
          ...(c.matched !== undefined && { matched: c.matched }),
          ...(c.category !== undefined && { category: c.category }),
          opcodes: [...agg.opcodes],
          occurrences: agg.count,
          calls: agg.calls,
          ...(agg.firstCall !== undefined && { firstCallOffset: agg.firstCall }),
          // Call arguments only for dangerous calls: elsewhere they may be a user's own data.
          ...(agg.args !== undefined && c.verdict === 'dangerous' && { args: agg.args }),
          ...context,
        },
      });
    }
    for (const u of sink.unresolved) {
      this.emit(`unresolved:${u.offset}`, {
        rule: 'unresolved-import',
        severity: 'critical',
        message: u.message,
        offset: u.offset,
        evidence: { ...u.detail, ...context },
      });
    }
    for (const [key, agg] of sink.issues) {
      const kind = agg.first.kind as Exclude<IssueKind, 'unresolved-import'>;
      const { rule } = ISSUE_RULES[kind];
      let { severity } = ISSUE_RULES[kind];
      if (kind === 'expansion' && agg.first.detail?.dups !== undefined) severity = 'medium';
      this.emit(`${key}:${agg.first.offset}`, {
        rule,
        severity,
        message:
          agg.count > 1 ? `${agg.first.message} (and ${agg.count - 1} more)` : agg.first.message,
        offset: agg.first.offset,
        evidence: { ...agg.first.detail, occurrences: agg.count, ...context },
      });
      if (kind === 'limit') this.unit.incomplete(agg.first.message);
    }
    if (sink.persistentIds > 0 && !expectPids) {
      this.emit('persistent-id', {
        rule: 'persistent-id',
        severity: 'low',
        message: `the pickle uses ${sink.persistentIds} persistent id(s), resolved by its loader`,
        offset: sink.firstPersistentId,
        evidence: { occurrences: sink.persistentIds, ...context },
      });
    }
    void end;
  }
}

/** Scans the pickle stream(s) of a source into `unit`. */
export async function scanPickle(
  source: Source,
  unit: ScanUnit,
  ctx: ScanContext,
  depth: number,
  options: PickleScanOptions,
): Promise<PickleScanResult> {
  return new PickleScan(source, unit, ctx, depth, options).run();
}
