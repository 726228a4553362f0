import { ScanUnit } from '../scan/scan-unit.js';
import { checkKerasConfig, isKerasConfig } from './_keras-config.js';
import { KerasFindingMerger } from './_keras-finding-merger.js';
import { type PbField, pbFields, reportPbError } from './_protobuf.js';
import { utf8 } from './_read-bounded.js';
import type { FormatHandler } from './format-handler.js';

/** Largest keras_metadata.pb read. */
const MAX_METADATA_BYTES = 64 * 1024 * 1024;
/** Largest single node's metadata JSON. */
const MAX_NODE_JSON = 16 * 1024 * 1024;
const MAX_NODES = 100_000;
const IDENTIFIER = new TextEncoder().encode('_tf_keras_');

function includes(hay: Uint8Array, needle: Uint8Array, limit: number): boolean {
  const end = Math.min(hay.length, limit) - needle.length;
  outer: for (let i = 0; i <= end; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/**
 * `SavedMetadata.nodes` (field 1) whose first SavedObject starts with `node_id` (2) or
 * `node_path` (3) and names a `_tf_keras_…` identifier near the start.
 */
function isKerasMetadata(head: Uint8Array): boolean {
  if (head[0] !== 0x0a || head.length < 8) return false;
  let at = 1;
  while (at < 6 && ((head[at] as number) & 0x80) !== 0) at++;
  const first = head[at + 1];
  return (first === 0x10 || first === 0x1a) && includes(head, IDENTIFIER, 512);
}

/**
 * `keras_metadata.pb`, written next to `saved_model.pb` by Keras 2 (tf_keras): one SavedObject per
 * layer with its config as JSON. Each config gets the Keras checks (Lambda bytecode, foreign
 * modules, safe-mode gadgets); a layer found in several nodes is reported once, with the count and
 * the places in its evidence.
 */
export const kerasMetadataFormat: FormatHandler = {
  format: 'keras-metadata',
  sniff(source) {
    return isKerasMetadata(source.head) ? 'start' : false;
  },
  async scan(source, unit, ctx) {
    const src = await ctx.buffer(source, unit, 'keras_metadata.pb');
    if (src?.read === undefined || src.size === undefined) return;
    if (src.size > MAX_METADATA_BYTES) {
      unit.incomplete(`keras_metadata.pb larger than ${MAX_METADATA_BYTES} bytes`);
      return;
    }
    const read = src.read;
    let nodes = 0;
    // A layer's config is written in its own node and again in its model's (twice there: config
    // and model_config): each distinct finding is reported once, with its occurrences.
    const merged = new KerasFindingMerger();
    try {
      for await (const n of pbFields(read, 0, src.size)) {
        if (n.field !== 1 || n.wire !== 2) continue;
        if (++nodes > MAX_NODES || ctx.expired()) {
          unit.incomplete(`keras_metadata.pb: stopped after ${nodes - 1} nodes (limit or time)`);
          break;
        }
        let metadata: PbField | undefined;
        for await (const f of pbFields(read, n.start, n.end)) if (f.field === 5) metadata = f;
        if (metadata === undefined || metadata.wire !== 2) continue;
        if (metadata.end - metadata.start > MAX_NODE_JSON) {
          unit.incomplete(`keras_metadata.pb node ${nodes}: metadata larger than ${MAX_NODE_JSON}`);
          continue;
        }
        const bytes = await read(metadata.start, metadata.end);
        let value: unknown;
        try {
          value = JSON.parse(utf8(bytes) ?? '');
        } catch {
          unit.report({
            rule: 'malformed-header',
            severity: 'low',
            message: `keras_metadata.pb node ${nodes}: metadata is not JSON`,
          });
          unit.incomplete('keras_metadata.pb holds metadata that is not JSON');
          continue;
        }
        if (!isKerasConfig(value)) continue;
        const scratch = new ScanUnit(unit.path, unit.member);
        checkKerasConfig(value, scratch, ctx);
        for (const reason of scratch.reasons) unit.incomplete(reason);
        merged.add(value, scratch.findings, { node: nodes, offset: metadata.start });
      }
    } catch (error) {
      reportPbError(unit, 'keras_metadata.pb', error);
    }
    merged.reportTo(unit);
  },
};
