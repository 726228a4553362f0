/**
 * Whether an ONNX model (protobuf bytes) keeps tensors in external files: a TensorProto with
 * `data_location = EXTERNAL` (field 14) or `external_data` entries (field 13), in the graph's
 * initializers, sparse initializers, node attributes or any subgraph. Only the fields on those
 * paths are decoded; nothing is interpreted. Malformed bytes answer false (the runtime then
 * rejects the model as invalid).
 */
export function usesExternalData(bytes: Uint8Array): boolean {
  try {
    return scan(bytes, 0, bytes.length, 'model', 0);
  } catch {
    return false;
  }
}

type Message = 'model' | 'graph' | 'node' | 'attribute' | 'tensor' | 'sparse';

/** For each message kind, the length-delimited fields to descend into and what they hold. */
const CHILDREN: Record<Message, Record<number, Message>> = {
  model: { 7: 'graph' },
  graph: { 1: 'node', 5: 'tensor', 15: 'sparse' },
  node: { 5: 'attribute' },
  attribute: { 5: 'tensor', 6: 'graph', 10: 'tensor', 11: 'graph', 22: 'sparse', 23: 'sparse' },
  tensor: {},
  sparse: { 1: 'tensor', 2: 'tensor' },
};

const MAX_DEPTH = 64;

function scan(
  bytes: Uint8Array,
  start: number,
  end: number,
  kind: Message,
  depth: number,
): boolean {
  if (depth > MAX_DEPTH) throw new Error('too deep');
  let at = start;
  const varint = (): number => {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (at >= end) throw new Error('truncated');
      const byte = bytes[at++] as number;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
    throw new Error('bad varint');
  };
  while (at < end) {
    const tag = varint();
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (wire === 0) {
      const value = varint();
      if (kind === 'tensor' && field === 14 && value === 1) return true;
    } else if (wire === 1) {
      at += 8;
    } else if (wire === 5) {
      at += 4;
    } else if (wire === 2) {
      const length = varint();
      const to = at + length;
      if (to > end) throw new Error('truncated');
      if (kind === 'tensor' && field === 13) return true;
      const child = CHILDREN[kind][field];
      if (child !== undefined && scan(bytes, at, to, child, depth + 1)) return true;
      at = to;
    } else {
      throw new Error(`wire type ${wire}`);
    }
  }
  return false;
}
