import type { ScanContext } from '../scan/scan-context.js';
import type { ScanUnit } from '../scan/scan-unit.js';
import {
  PbError,
  type PbField,
  pbFields,
  pbString,
  pbVarint,
  type Read,
  reportPbError,
} from './_protobuf.js';
import { TF_OP_NAMES } from './_tf-op-names.js';
import type { FormatHandler } from './format-handler.js';

/**
 * Ops that touch the file system or run Python when the graph runs (ModelScan flags ReadFile and
 * WriteFile; the py_function family calls whatever Python function the loading program registered
 * under the token; MatchingFiles lists directories; WholeFileReader reads arbitrary files).
 */
const RISKY_OPS: Readonly<Record<string, string>> = {
  ReadFile: 'reads any file the loading process can read',
  WriteFile: 'writes a file anywhere the loading process can write',
  MatchingFiles: 'lists files matching a path pattern',
  WholeFileReader: 'reads whole files named by its input',
  WholeFileReaderV2: 'reads whole files named by its input',
  PyFunc: 'calls a Python function of the loading program',
  PyFuncStateless: 'calls a Python function of the loading program',
  EagerPyFunc: 'calls a Python function of the loading program',
};

/** Nodes (graph plus functions) walked per file before the scan stops as incomplete. */
export const MAX_TF_NODES = 2_000_000;
/** Library functions walked per file before the scan stops as incomplete. */
export const MAX_TF_FUNCTIONS = 200_000;
/** Op names kept per finding. */
const MAX_LISTED = 20;

/** MetaInfoDef fields and their wire types. */
const META_INFO_FIELDS: Record<number, number> = { 1: 2, 2: 2, 3: 2, 4: 2, 5: 2, 6: 2, 7: 0, 8: 2 };

/**
 * Whether the bytes `[at, end)` (cut at the head's end) parse as fields whose numbers and wire
 * types `allowed` lists, at least one of them.
 */
function fieldsFit(
  b: Uint8Array,
  at: number,
  end: number,
  allowed: (field: number, wire: number) => boolean,
): boolean {
  let pos = at;
  let fields = 0;
  const stop = Math.min(end, b.length);
  while (pos < stop && fields < 16) {
    const tag = pbVarint(b, pos);
    if (tag === undefined) return fields > 0;
    const field = Math.floor(tag[0] / 8);
    const wire = tag[0] % 8;
    if (field === 0 || !allowed(field, wire)) return false;
    pos = tag[1];
    const v = pbVarint(b, pos);
    if (v === undefined) return fields > 0;
    pos = wire === 2 ? v[1] + v[0] : v[1];
    if (wire === 2 && pos > end) return false;
    fields++;
  }
  return fields > 0;
}

/**
 * A SavedModel by structure, not name: an optional `saved_model_schema_version` (field 1, a small
 * varint; TensorFlow writes 1, but a loader accepts the file without it), then `meta_graphs`
 * (field 2, a message) whose fields are MetaGraphDef's (1–7, all messages), a leading
 * MetaInfoDef parsing as one. ONNX also starts with field 1, but its field 2 is a string.
 */
export function isSavedModel(head: Uint8Array, size: number | undefined): boolean {
  if (size !== undefined && size < 16) return false;
  let at = 0;
  if (head[0] === 0x08) {
    if ((head[1] as number) > 16) return false;
    at = 2;
  }
  if (head[at] !== 0x12) return false;
  const len = pbVarint(head, at + 1);
  if (len === undefined) return false;
  const start = len[1];
  // Lengths are checked against the declared message, not the file: a truncated SavedModel is
  // still recognised, and its scan reports the break.
  const end = start + len[0];
  if (!fieldsFit(head, start, end, (f, w) => f >= 1 && f <= 7 && w === 2)) return false;
  if (head[start] !== 0x0a) return true;
  const inner = pbVarint(head, start + 1);
  if (inner === undefined) return true;
  return fieldsFit(head, inner[1], inner[1] + inner[0], (f, w) => META_INFO_FIELDS[f] === w);
}
interface OpUse {
  count: number;
  where: Set<string>;
}

interface Walk {
  read: Read;
  ctx: ScanContext;
  unit: ScanUnit;
  fields: number;
  nodes: number;
  functions: number;
  /** Library function names: a node may name one as its op. */
  defined: Set<string>;
  ops: Map<string, OpUse>;
  printsToFile: Map<string, string>;
  stopped?: string;
}

async function* children(w: Walk, f: PbField, want: ReadonlySet<number>) {
  for await (const c of pbFields(w.read, f.start, f.end)) {
    if (++w.fields % 4096 === 0 && w.ctx.expired()) throw new PbError('time limit reached');
    if (want.has(c.field) && c.wire === 2) yield c;
  }
}

const NODE = new Set([2, 5]);
const ATTR_ENTRY = new Set([1, 2]);
const ATTR_S = new Set([2]);

/** NodeDef: `op` (2) and, for PrintV2, the `output_stream` attribute (5 → AttrValue.s). */
async function node(w: Walk, f: PbField, where: string): Promise<void> {
  if (++w.nodes > MAX_TF_NODES) {
    w.stopped = `more than ${MAX_TF_NODES} graph nodes`;
    return;
  }
  let op = '';
  const attrs: PbField[] = [];
  for await (const c of children(w, f, NODE)) {
    if (c.field === 2) op = await pbString(w.read, c, 1024);
    else if (attrs.length < 64) attrs.push(c);
  }
  let use = w.ops.get(op);
  if (use === undefined) {
    use = { count: 0, where: new Set() };
    w.ops.set(op, use);
  }
  use.count++;
  if (use.where.size < 5) use.where.add(where);
  if (op !== 'PrintV2') return;
  for (const a of attrs) {
    let key = '';
    let value: PbField | undefined;
    for await (const kv of children(w, a, ATTR_ENTRY)) {
      if (kv.field === 1) key = await pbString(w.read, kv, 256);
      else value = kv;
    }
    if (key !== 'output_stream' || value === undefined) continue;
    for await (const s of children(w, value, ATTR_S)) {
      const stream = await pbString(w.read, s, 4096);
      if (stream.startsWith('file://') && w.printsToFile.size < MAX_LISTED)
        w.printsToFile.set(stream, where);
    }
  }
}

const GRAPH = new Set([1, 2]);
const LIBRARY = new Set([1]);
const FUNCTION = new Set([1, 3]);
const SIGNATURE = new Set([1]);

async function graph(w: Walk, f: PbField): Promise<void> {
  for await (const c of children(w, f, GRAPH)) {
    if (w.stopped !== undefined) return;
    if (c.field === 1) {
      await node(w, c, 'graph');
      continue;
    }
    for await (const fnField of children(w, c, LIBRARY)) {
      if (w.stopped !== undefined) return;
      if (++w.functions > MAX_TF_FUNCTIONS) {
        w.stopped = `more than ${MAX_TF_FUNCTIONS} library functions`;
        return;
      }
      let name = '';
      for await (const part of children(w, fnField, FUNCTION)) {
        if (w.stopped !== undefined) return;
        if (part.field === 1) {
          for await (const s of children(w, part, SIGNATURE))
            name = await pbString(w.read, s, 1024);
          w.defined.add(name);
        } else await node(w, part, `function ${name || '?'}`);
      }
    }
  }
}

function describeUse(use: OpUse): string {
  const where = [...use.where].join(', ');
  return `${use.count} node(s), in ${where}${use.where.size >= 5 ? ', …' : ''}`;
}

function report(w: Walk): void {
  for (const [op, use] of w.ops) {
    const why = RISKY_OPS[op];
    if (why === undefined) continue;
    w.unit.report({
      rule: 'risky-op',
      severity: 'high',
      message: `TensorFlow op ${op} ${why} when the model runs (${describeUse(use)})`,
      evidence: { op, occurrences: use.count, where: [...use.where] },
    });
  }
  for (const [stream, where] of w.printsToFile) {
    w.unit.report({
      rule: 'risky-op',
      severity: 'high',
      message: `TensorFlow op PrintV2 writes to ${JSON.stringify(stream.slice(0, 200))} when the model runs (${where})`,
      evidence: { op: 'PrintV2', outputStream: stream.slice(0, 200), where },
    });
  }
  const unknown = [...w.ops.keys()].filter(
    (op) => op !== '' && !TF_OP_NAMES.has(op) && !w.defined.has(op),
  );
  if (unknown.length > 0) {
    w.unit.report({
      rule: 'custom-op',
      severity: 'medium',
      message: `TensorFlow ops unknown to TensorFlow itself, which need a native op library (tf.load_op_library): ${unknown.slice(0, MAX_LISTED).join(', ')}${unknown.length > MAX_LISTED ? ', …' : ''}`,
      evidence: { ops: unknown.slice(0, MAX_LISTED), count: unknown.length },
    });
  }
}

/**
 * TensorFlow SavedModel graphs (`saved_model.pb`), recognised by their protobuf structure and
 * walked lazily with the schema-subset decoder: SavedModel → meta_graphs → graph_def → node[].op
 * and library.function[].node_def[].op. Reports ops that read or write files or call Python
 * (`risky-op`), PrintV2 to a `file://` stream, and ops no TensorFlow build registers
 * (`custom-op`). Node and function counts are bounded; hitting a bound makes the file incomplete.
 */
export const tfSavedModelFormat: FormatHandler = {
  format: 'tf-savedmodel',
  sniff(source) {
    return isSavedModel(source.head, source.size) ? 'start' : false;
  },
  async scan(source, unit, ctx) {
    const src = await ctx.buffer(source, unit, 'TensorFlow SavedModel');
    if (src?.read === undefined || src.size === undefined) return;
    const w: Walk = {
      read: src.read,
      ctx,
      unit,
      fields: 0,
      nodes: 0,
      functions: 0,
      defined: new Set(),
      ops: new Map(),
      printsToFile: new Map(),
    };
    const top: PbField = { field: 0, wire: 2, value: 0, start: 0, end: src.size };
    try {
      for await (const metaGraph of children(w, top, new Set([2]))) {
        for await (const g of children(w, metaGraph, new Set([2]))) await graph(w, g);
        if (w.stopped !== undefined) break;
      }
    } catch (error) {
      reportPbError(unit, 'SavedModel', error);
    }
    if (w.stopped !== undefined) {
      unit.report({
        rule: 'scan-limit',
        severity: 'low',
        message: `SavedModel has ${w.stopped}; the rest was not checked`,
        evidence: { limit: 'tf-graph' },
      });
      unit.incomplete(`SavedModel: ${w.stopped}`);
    }
    report(w);
  },
};
