import type { ScanUnit } from '../scan/scan-unit.js';

/** Random access to bytes `[start, end)`. */
export type Read = (start: number, end: number) => Promise<Uint8Array>;

/** One protobuf field: varints carry `value`; length-delimited fields carry their payload range. */
export interface PbField {
  field: number;
  wire: number;
  value: number;
  start: number;
  end: number;
}

export class PbError extends Error {}

/** The varint at `at` and the offset after it; undefined when it does not end within 10 bytes. */
export function pbVarint(bytes: Uint8Array, at: number): [number, number] | undefined {
  let value = 0;
  let scale = 1;
  for (let i = at; i < bytes.length && i < at + 10; i++) {
    const b = bytes[i] as number;
    value += (b & 0x7f) * scale;
    scale *= 128;
    if ((b & 0x80) === 0) return [value, i + 1];
  }
  return undefined;
}

function varint(bytes: Uint8Array, at: number): [number, number] {
  const v = pbVarint(bytes, at);
  if (v === undefined) throw new PbError(`bad varint at ${at}`);
  return v;
}

/**
 * Reports a malformed protobuf (`what`: "ONNX", "SavedModel") on `unit` and makes it incomplete;
 * rethrows anything that is not a PbError (a bug).
 */
export function reportPbError(unit: ScanUnit, what: string, error: unknown): void {
  if (!(error instanceof PbError)) throw error;
  unit.report({
    rule: 'malformed-header',
    severity: 'medium',
    message: `${what} protobuf is malformed: ${error.message}`,
  });
  unit.incomplete(`${what} protobuf unreadable: ${error.message}`);
}

/**
 * The fields of the message in `[start, end)`, read lazily: payloads are not read, so a tensor's
 * gigabytes of `raw_data` cost nothing. Throws PbError on a malformed wire format.
 */
export async function* pbFields(read: Read, start: number, end: number): AsyncGenerator<PbField> {
  let pos = start;
  while (pos < end) {
    const head = await read(pos, Math.min(end, pos + 20));
    const [tag, afterTag] = varint(head, 0);
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (field === 0) throw new PbError(`field number 0 at ${pos}`);
    let next: number;
    let value = 0;
    let from = pos + afterTag;
    if (wire === 0) {
      const [v, after] = varint(head, afterTag);
      value = v;
      next = pos + after;
      from = next;
    } else if (wire === 1) next = from + 8;
    else if (wire === 5) next = from + 4;
    else if (wire === 2) {
      const [len, after] = varint(head, afterTag);
      from = pos + after;
      next = from + len;
    } else throw new PbError(`wire type ${wire} at ${pos}`);
    if (next > end) throw new PbError(`field ${field} at ${pos} runs past its message`);
    yield { field, wire, value, start: from, end: next };
    pos = next;
  }
}

/** A length-delimited field's payload as UTF-8 (at most `max` bytes). */
export async function pbString(read: Read, f: PbField, max = 64 * 1024): Promise<string> {
  if (f.wire !== 2) throw new PbError(`field ${f.field} is not a string`);
  const bytes = await read(f.start, Math.min(f.end, f.start + max));
  return Buffer.from(bytes).toString('utf8');
}
