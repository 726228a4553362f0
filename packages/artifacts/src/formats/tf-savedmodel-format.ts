import type { ScanContext } from '../scan/scan-context.js';
import {
  PbError,
  type PbField,
  pbFields,
  pbString,
  pbVarint,
  type Read,
  reportPbError,
} from './_protobuf.js';
import { TfOpTally } from './_tf-ops.js';
import { isSavedModelText, walkSavedModelText } from './_tf-savedmodel-text.js';
import type { FormatHandler } from './format-handler.js';

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
interface Walk {
  read: Read;
  ctx: ScanContext;
  fields: number;
  tally: TfOpTally;
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
  if (!w.tally.enterNode()) return;
  let op = '';
  const attrs: PbField[] = [];
  for await (const c of children(w, f, NODE)) {
    if (c.field === 2) op = await pbString(w.read, c, 1024);
    else if (attrs.length < 64) attrs.push(c);
  }
  w.tally.op(op, where);
  if (op !== 'PrintV2') return;
  for (const a of attrs) {
    let key = '';
    let value: PbField | undefined;
    for await (const kv of children(w, a, ATTR_ENTRY)) {
      if (kv.field === 1) key = await pbString(w.read, kv, 256);
      else value = kv;
    }
    if (key !== 'output_stream' || value === undefined) continue;
    for await (const s of children(w, value, ATTR_S))
      w.tally.printStream(await pbString(w.read, s, 4096), where);
  }
}

const GRAPH = new Set([1, 2]);
const LIBRARY = new Set([1]);
const FUNCTION = new Set([1, 3]);
const SIGNATURE = new Set([1]);

async function graph(w: Walk, f: PbField): Promise<void> {
  for await (const c of children(w, f, GRAPH)) {
    if (w.tally.stopped !== undefined) return;
    if (c.field === 1) {
      await node(w, c, 'graph');
      continue;
    }
    for await (const fnField of children(w, c, LIBRARY)) {
      if (w.tally.stopped !== undefined || !w.tally.enterFunction()) return;
      let name = '';
      for await (const part of children(w, fnField, FUNCTION)) {
        if (w.tally.stopped !== undefined) return;
        if (part.field === 1) {
          for await (const s of children(w, part, SIGNATURE))
            name = await pbString(w.read, s, 1024);
          w.tally.define(name);
        } else await node(w, part, `function ${name || '?'}`);
      }
    }
  }
}

/** The binary walk: SavedModel → meta_graphs (2) → graph_def (2). */
async function walkBinary(read: Read, size: number, tally: TfOpTally, ctx: ScanContext) {
  const w: Walk = { read, ctx, fields: 0, tally };
  const top: PbField = { field: 0, wire: 2, value: 0, start: 0, end: size };
  for await (const metaGraph of children(w, top, new Set([2]))) {
    for await (const g of children(w, metaGraph, new Set([2]))) await graph(w, g);
    if (tally.stopped !== undefined) break;
  }
}

/**
 * TensorFlow SavedModel graphs, recognised by content whatever the file is called: binary
 * `saved_model.pb` by its protobuf structure, walked lazily with the schema-subset decoder, and
 * text-format `saved_model.pbtxt` (also `pbtxt`) by its field names, read with a bounded
 * tokenizer. Both walk SavedModel → meta_graphs → graph_def → node[].op and
 * library.function[].node_def[].op, and the same judgement (`TfOpTally`) reports ops that read or
 * write files or call Python (`risky-op`), PrintV2 to a `file://` stream, and ops no TensorFlow
 * build registers (`custom-op`). Node and function counts are bounded; hitting a bound, or a
 * malformed protobuf, makes the file incomplete.
 */
export const tfSavedModelFormat: FormatHandler = {
  format: 'tf-savedmodel',
  sniff(source) {
    return isSavedModel(source.head, source.size) || isSavedModelText(source.head)
      ? 'start'
      : false;
  },
  async scan(source, unit, ctx) {
    const text = !isSavedModel(source.head, source.size);
    const src = await ctx.buffer(source, unit, 'TensorFlow SavedModel');
    if (src?.read === undefined || src.size === undefined) return;
    const tally = new TfOpTally();
    if (text) {
      unit.addFormat('pbtxt');
      const max = ctx.limits.maxBufferedBytes;
      if (src.size > max) {
        unit.report({
          rule: 'scan-limit',
          severity: 'low',
          message: `text-format SavedModel is larger than maxBufferedBytes (${max}); not scanned`,
          evidence: { limit: 'maxBufferedBytes', value: max },
        });
        unit.incomplete(`text-format SavedModel larger than maxBufferedBytes (${max})`);
        return;
      }
    }
    try {
      if (text) walkSavedModelText(await src.read(0, src.size), tally, ctx);
      else await walkBinary(src.read, src.size, tally, ctx);
    } catch (error) {
      reportPbError(unit, text ? 'SavedModel text' : 'SavedModel', error);
    }
    tally.report(unit);
  },
};
