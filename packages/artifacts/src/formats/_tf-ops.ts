import type { ScanUnit } from '../scan/scan-unit.js';
import { TF_OP_NAMES } from './_tf-op-names.js';

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
const MAX_TF_NODES = 2_000_000;
/** Library functions walked per file before the scan stops as incomplete. */
const MAX_TF_FUNCTIONS = 200_000;
/** Op names kept per finding. */
const MAX_LISTED = 20;
/** Places kept per op. */
const MAX_WHERE = 5;

interface OpUse {
  count: number;
  where: Set<string>;
}

/**
 * The ops of one SavedModel, whichever encoding (binary `saved_model.pb` or text
 * `saved_model.pbtxt`) they were read from, and the judgement on them: ops that read or write
 * files or call Python (`risky-op`), PrintV2 to a `file://` stream, ops no TensorFlow build
 * registers (`custom-op`). Counts are bounded; past a bound `stopped` says why.
 */
export class TfOpTally {
  private nodes = 0;
  private functions = 0;
  /** Library function names: a node may name one as its op. */
  private readonly defined = new Set<string>();
  private readonly ops = new Map<string, OpUse>();
  private readonly printsToFile = new Map<string, string>();
  /** Why the walk stopped early (a bound was hit), when it did. */
  stopped: string | undefined;

  /** Counts a library function; false (and `stopped` set) past the bound. */
  enterFunction(): boolean {
    if (++this.functions > MAX_TF_FUNCTIONS) {
      this.stopped ??= `more than ${MAX_TF_FUNCTIONS} library functions`;
      return false;
    }
    return true;
  }

  /** A library function's name (`signature.name`). */
  define(name: string): void {
    this.defined.add(name);
  }

  /** Counts a node; false (and `stopped` set) past the bound, when the node must be skipped. */
  enterNode(): boolean {
    if (++this.nodes > MAX_TF_NODES) {
      this.stopped ??= `more than ${MAX_TF_NODES} graph nodes`;
      return false;
    }
    return true;
  }

  /** A node's op (after `enterNode`), `where` it is (`graph`, `function <name>`). */
  op(op: string, where: string): void {
    let use = this.ops.get(op);
    if (use === undefined) {
      use = { count: 0, where: new Set() };
      this.ops.set(op, use);
    }
    use.count++;
    if (use.where.size < MAX_WHERE) use.where.add(where);
  }

  /** PrintV2's `output_stream` attribute; only `file://` streams are kept. */
  printStream(stream: string, where: string): void {
    if (stream.startsWith('file://') && this.printsToFile.size < MAX_LISTED)
      this.printsToFile.set(stream, where);
  }

  /** Reports the findings (and the bound hit, if any) on `unit`. */
  report(unit: ScanUnit): void {
    if (this.stopped !== undefined) {
      unit.report({
        rule: 'scan-limit',
        severity: 'low',
        message: `SavedModel has ${this.stopped}; the rest was not checked`,
        evidence: { limit: 'tf-graph' },
      });
      unit.incomplete(`SavedModel: ${this.stopped}`);
    }
    for (const [op, use] of this.ops) {
      const why = RISKY_OPS[op];
      if (why === undefined) continue;
      const where = [...use.where];
      const places = `${where.join(', ')}${use.where.size >= MAX_WHERE ? ', …' : ''}`;
      unit.report({
        rule: 'risky-op',
        severity: 'high',
        message: `TensorFlow op ${op} ${why} when the model runs (${use.count} node(s), in ${places})`,
        evidence: { op, occurrences: use.count, where },
      });
    }
    for (const [stream, where] of this.printsToFile) {
      unit.report({
        rule: 'risky-op',
        severity: 'high',
        message: `TensorFlow op PrintV2 writes to ${JSON.stringify(stream.slice(0, 200))} when the model runs (${where})`,
        evidence: { op: 'PrintV2', outputStream: stream.slice(0, 200), where },
      });
    }
    const unknown = [...this.ops.keys()].filter(
      (op) => op !== '' && !TF_OP_NAMES.has(op) && !this.defined.has(op),
    );
    if (unknown.length > 0) {
      unit.report({
        rule: 'custom-op',
        severity: 'medium',
        message: `TensorFlow ops unknown to TensorFlow itself, which need a native op library (tf.load_op_library): ${unknown.slice(0, MAX_LISTED).join(', ')}${unknown.length > MAX_LISTED ? ', …' : ''}`,
        evidence: { ops: unknown.slice(0, MAX_LISTED), count: unknown.length },
      });
    }
  }
}
