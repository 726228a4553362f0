import type { ScanContext } from '../scan/scan-context.js';
import type { ScanUnit } from '../scan/scan-unit.js';
import {
  PbError,
  type PbField,
  pbFields,
  pbString,
  type Read,
  reportPbError,
} from './_protobuf.js';
import { escapesDirectory } from './_relative-path.js';
import type { FormatHandler } from './format-handler.js';
import { isSavedModel } from './tf-savedmodel-format.js';

/** ModelProto fields and their wire types (0 varint, 2 length-delimited). */
const MODEL_FIELDS: Record<number, number> = {
  1: 0,
  2: 2,
  3: 2,
  4: 2,
  5: 0,
  6: 2,
  7: 2,
  8: 2,
  14: 2,
  20: 2,
  25: 2,
};
/** Operator domains implemented by ONNX itself and by ONNX Runtime. */
const STANDARD_DOMAINS = new Set([
  '',
  'ai.onnx',
  'ai.onnx.ml',
  'ai.onnx.training',
  'ai.onnx.preview.training',
  'com.microsoft',
  'com.microsoft.nchwc',
  'com.microsoft.experimental',
  'org.pytorch.aten',
]);
const MAX_NESTING = 32;

function sniffModel(head: Uint8Array, size: number | undefined): boolean {
  if (head[0] !== 0x08) return false;
  let pos = 0;
  let fields = 0;
  while (pos < head.length && fields < 8) {
    const tag = head[pos] as number;
    if (tag & 0x80) return false;
    const field = tag >> 3;
    const wire = tag & 7;
    if (MODEL_FIELDS[field] !== wire) return false;
    pos++;
    let value = 0;
    let scale = 1;
    for (let i = 0; ; i++) {
      if (pos >= head.length || i > 9) return fields > 0;
      const b = head[pos++] as number;
      value += (b & 0x7f) * scale;
      scale *= 128;
      if ((b & 0x80) === 0) break;
    }
    if (field === 1 && (value < 1 || value > 64)) return false;
    if (wire === 2) {
      // A known field running past the end after a valid ir_version: a truncated model, which
      // the scan reports rather than letting it pass as unrecognised.
      if (size !== undefined && pos + value > size) return fields >= 1;
      pos += value;
    }
    fields++;
  }
  return fields >= 2;
}

interface Walk {
  read: Read;
  unit: ScanUnit;
  ctx: ScanContext;
  domains: Map<string, Set<string>>;
  functionDomains: Set<string>;
  locations: Map<string, string>;
  fields: number;
}

async function* children(w: Walk, f: PbField, want: ReadonlySet<number>) {
  for await (const c of pbFields(w.read, f.start, f.end)) {
    if (++w.fields % 4096 === 0 && w.ctx.expired()) throw new PbError('time limit reached');
    if (want.has(c.field) && c.wire === 2) yield c;
  }
}

async function tensor(w: Walk, f: PbField): Promise<void> {
  let name = '';
  for await (const c of children(w, f, new Set([8, 13]))) {
    if (c.field === 8) name = await pbString(w.read, c);
    else {
      let key = '';
      let value = '';
      for await (const kv of children(w, c, new Set([1, 2]))) {
        if (kv.field === 1) key = await pbString(w.read, kv);
        else value = await pbString(w.read, kv, 4096);
      }
      if (key === 'location' && !w.locations.has(value)) w.locations.set(value, name);
    }
  }
}

async function attribute(w: Walk, f: PbField, depth: number): Promise<void> {
  for await (const c of children(w, f, new Set([5, 6, 10, 11, 22, 23]))) {
    if (c.field === 5 || c.field === 10) await tensor(w, c);
    else if (c.field === 6 || c.field === 11) await graph(w, c, depth + 1);
    else await sparse(w, c);
  }
}

async function sparse(w: Walk, f: PbField): Promise<void> {
  for await (const c of children(w, f, new Set([1, 2]))) await tensor(w, c);
}

async function node(w: Walk, f: PbField, depth: number): Promise<void> {
  let op = '';
  let domain = '';
  for await (const c of children(w, f, new Set([4, 5, 7]))) {
    if (c.field === 4) op = await pbString(w.read, c);
    else if (c.field === 7) domain = await pbString(w.read, c);
    else await attribute(w, c, depth);
  }
  const ops = w.domains.get(domain) ?? new Set<string>();
  if (ops.size < 20) ops.add(op);
  w.domains.set(domain, ops);
}

async function graph(w: Walk, f: PbField, depth: number): Promise<void> {
  if (depth > MAX_NESTING) throw new PbError(`subgraphs nested deeper than ${MAX_NESTING}`);
  for await (const c of children(w, f, new Set([1, 5, 15]))) {
    if (c.field === 1) await node(w, c, depth);
    else if (c.field === 5) await tensor(w, c);
    else await sparse(w, c);
  }
}

async function fn(w: Walk, f: PbField): Promise<void> {
  for await (const c of children(w, f, new Set([7, 10]))) {
    if (c.field === 10) w.functionDomains.add(await pbString(w.read, c));
    else await node(w, c, 0);
  }
}

/**
 * ONNX models (protobuf `ModelProto`), walked lazily without a schema compiler: graphs,
 * subgraphs in attributes, model-local functions, initializers. Reports `external_data`
 * locations that are absolute or leave the model directory (CVE-2022-25882, CVE-2024-27318) and
 * operators from domains that neither ONNX nor ONNX Runtime implement (custom native ops).
 */
export const onnxFormat: FormatHandler = {
  format: 'onnx',
  sniff(source) {
    // A SavedModel also starts with a small field 1 and a field 2; its field 2 is a message.
    if (isSavedModel(source.head, source.size)) return false;
    return sniffModel(source.head, source.size) ? 'start' : false;
  },
  async scan(source, unit, ctx) {
    const src = await ctx.buffer(source, unit, 'ONNX model');
    if (src?.read === undefined || src.size === undefined) return;
    const w: Walk = {
      read: src.read,
      unit,
      ctx,
      domains: new Map(),
      functionDomains: new Set(),
      locations: new Map(),
      fields: 0,
    };
    const top: PbField = { field: 0, wire: 2, value: 0, start: 0, end: src.size };
    try {
      for await (const c of children(w, top, new Set([7, 25]))) {
        if (c.field === 7) await graph(w, c, 0);
        else await fn(w, c);
      }
    } catch (error) {
      reportPbError(unit, 'ONNX', error);
    }
    for (const [location, tensorName] of w.locations) {
      const why = escapesDirectory(location);
      if (why === undefined) continue;
      unit.report({
        rule: 'path-escape',
        severity: 'high',
        message: `tensor ${JSON.stringify(tensorName)} loads external data from ${JSON.stringify(location)}, ${why}`,
        evidence: { location, tensor: tensorName, bypass: 'B28' },
      });
    }
    for (const [domain, ops] of w.domains) {
      if (STANDARD_DOMAINS.has(domain) || w.functionDomains.has(domain)) continue;
      unit.report({
        rule: 'custom-op',
        severity: 'medium',
        message: `operators ${[...ops].join(', ')} from custom domain ${JSON.stringify(domain)} need a native operator library`,
        evidence: { domain, ops: [...ops] },
      });
    }
  },
};
