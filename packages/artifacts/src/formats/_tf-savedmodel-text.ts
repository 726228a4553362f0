import type { ScanContext } from '../scan/scan-context.js';
import { type PbTextScalar, type PbTextVisitor, walkPbText } from './_pbtxt.js';
import type { TfOpTally } from './_tf-ops.js';

/** SavedModel's fields. */
const SAVED_MODEL_FIELDS = new Set(['saved_model_schema_version', 'meta_graphs']);
const META_GRAPHS = Buffer.from('meta_graphs');
/** MetaGraphDef's fields. */
const META_GRAPH_FIELDS = new Set([
  'meta_info_def',
  'graph_def',
  'saver_def',
  'collection_def',
  'signature_def',
  'asset_file_def',
  'object_graph_def',
]);

/** Ends the sniff's walk: the head is (`yes`) or is not a SavedModel. */
class Verdict extends Error {
  constructor(readonly yes: boolean) {
    super(yes ? 'SavedModel' : 'not a SavedModel');
  }
}
/** Thrown by the op walk once a bound is hit: the rest of the text is not read. */
class Stop extends Error {}

/**
 * Checks field names up to the first field of the first `meta_graphs` message: SavedModel's at
 * the top, then one of MetaGraphDef's (or an empty `meta_graphs {}`).
 */
class ShapeCheck implements PbTextVisitor {
  private depth = 0;

  open(name: string): void {
    this.check(name, false);
    this.depth++;
  }

  close(): void {
    // Only an empty `meta_graphs {}` closes before a verdict.
    throw new Verdict(true);
  }

  scalar(name: string): void {
    this.check(name, true);
  }

  private check(name: string, scalar: boolean): void {
    if (this.depth === 0) {
      if (!SAVED_MODEL_FIELDS.has(name) || scalar !== (name === 'saved_model_schema_version'))
        throw new Verdict(false);
      return;
    }
    throw new Verdict(!scalar && META_GRAPH_FIELDS.has(name));
  }
}

/**
 * A SavedModel in protobuf text format (`saved_model.pbtxt`, which `tf.saved_model.load` reads
 * when there is no `saved_model.pb`), by content: text format whose fields are SavedModel's
 * (`saved_model_schema_version: N`, comments) up to a `meta_graphs` message whose first field is
 * one of MetaGraphDef's (`meta_info_def {`, `graph_def {`, …). What follows is not looked at here:
 * text broken further on is still recognised, and its scan reports the break.
 */
export function isSavedModelText(head: Uint8Array): boolean {
  const first = head[0];
  // Text format starts with a field name, a comment or white space.
  if (
    first === undefined ||
    !(
      (first >= 0x61 && first <= 0x7a) ||
      first === 0x23 ||
      first === 0x20 ||
      first === 0x0a ||
      first === 0x0d ||
      first === 0x09
    )
  ) {
    return false;
  }
  // The verdict needs the `meta_graphs` field within the head: a native search rules out nearly
  // every other text (a tokenizer walk of it would cost far more) without changing any verdict.
  if (Buffer.from(head.buffer, head.byteOffset, head.length).indexOf(META_GRAPHS) < 0) return false;
  try {
    walkPbText(head, new ShapeCheck(), { partial: true });
  } catch (error) {
    // Anything else: malformed before the verdict.
    return error instanceof Verdict && error.yes;
  }
  return false;
}

interface NodeState {
  /** Path length of the node message. */
  depth: number;
  where: string;
  op: string;
  streams: string[];
  /** The `attr` entry being read: its key and `value.s`. */
  attr?: { key: string; s: string[] };
}

const MAX_ATTRS_READ = 64;

/**
 * Reads the ops of every `meta_graphs.graph_def.node` and
 * `meta_graphs.graph_def.library.function.node_def` (with PrintV2's `output_stream` attribute and
 * the functions' `signature.name`) into `tally`, like the binary walk does.
 */
class OpWalk implements PbTextVisitor {
  private readonly path: string[] = [];
  private node: NodeState | undefined;
  /** Inside a library function: its name so far. */
  private fn: { name: string } | undefined;
  private attrs = 0;

  constructor(private readonly tally: TfOpTally) {}

  private inGraph(): boolean {
    return this.path[0] === 'meta_graphs' && this.path[1] === 'graph_def';
  }

  open(name: string): void {
    const depth = this.path.push(name);
    const node = this.node;
    if (node !== undefined) {
      if (depth === node.depth + 1 && name === 'attr' && this.attrs++ < MAX_ATTRS_READ)
        node.attr = { key: '', s: [] };
      return;
    }
    if (!this.inGraph()) return;
    if (depth === 3 && name === 'node') {
      this.startNode(depth, 'graph');
    } else if (depth === 4 && name === 'function' && this.path[2] === 'library') {
      if (!this.tally.enterFunction()) throw new Stop();
      this.fn = { name: '' };
    } else if (depth === 5 && name === 'node_def' && this.fn !== undefined) {
      this.startNode(depth, `function ${this.fn.name || '?'}`);
    }
  }

  private startNode(depth: number, where: string): void {
    if (!this.tally.enterNode()) throw new Stop();
    this.node = { depth, where, op: '', streams: [] };
    this.attrs = 0;
  }

  scalar(name: string, value: PbTextScalar): void {
    const depth = this.path.length;
    const node = this.node;
    if (node !== undefined) {
      if (depth === node.depth && name === 'op') node.op = value.text(1024);
      else if (node.attr !== undefined && depth === node.depth + 1 && name === 'key')
        node.attr.key = value.text(256);
      else if (
        node.attr !== undefined &&
        depth === node.depth + 2 &&
        name === 's' &&
        this.path[depth - 1] === 'value'
      )
        node.attr.s.push(value.text(4096));
      return;
    }
    if (this.fn !== undefined && depth === 5 && name === 'name' && this.path[4] === 'signature') {
      this.fn.name = value.text(1024);
      this.tally.define(this.fn.name);
    }
  }

  close(): void {
    const depth = this.path.length;
    const name = this.path.pop();
    const node = this.node;
    if (node !== undefined) {
      if (node.attr !== undefined && depth === node.depth + 1 && name === 'attr') {
        if (node.attr.key === 'output_stream') node.streams.push(...node.attr.s);
        node.attr = undefined;
      } else if (depth === node.depth) {
        this.tally.op(node.op, node.where);
        if (node.op === 'PrintV2')
          for (const s of node.streams) this.tally.printStream(s, node.where);
        this.node = undefined;
      }
      return;
    }
    if (depth === 4 && name === 'function') this.fn = undefined;
  }
}

/**
 * Walks a text-format SavedModel into `tally`. Throws PbError when the text is malformed, nests
 * deeper than 100 messages or the time limit passes; ops read before that stay in `tally`. A
 * node or function bound ends the walk with `tally.stopped` set.
 */
export function walkSavedModelText(bytes: Uint8Array, tally: TfOpTally, ctx: ScanContext): void {
  try {
    walkPbText(bytes, new OpWalk(tally), { expired: () => ctx.expired() });
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
  }
}
