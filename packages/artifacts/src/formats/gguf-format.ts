import type { ScanUnit } from '../scan/scan-unit.js';
import type { FormatHandler } from './format-handler.js';

const MAX_KV = 1_000_000;
const MAX_STRING = 64 * 1024 * 1024;
/** Element sizes of GGUF's fixed-size value types (8 = string, 9 = array are variable). */
const FIXED: Record<number, number> = {
  0: 1,
  1: 1,
  2: 2,
  3: 2,
  4: 4,
  5: 4,
  6: 4,
  7: 1,
  10: 8,
  11: 8,
  12: 8,
};

/** Jinja constructs through which a template reaches Python objects (CVE-2024-34359). */
const TEMPLATE_RISKS: readonly [RegExp, string][] = [
  [/__[A-Za-z][A-Za-z0-9_]*__/g, 'dunder attribute'],
  [/_TemplateReference__context/g, 'template context internals'],
  [/\|\s*attr\b|\battr\s*\(/g, 'attr filter (attribute access by name)'],
  [/\\x5f|\\u005f|\\137/gi, 'escaped underscore'],
  [/\b(?:popen|subprocess|__import__|importlib|eval|exec)\b/g, 'process or code execution'],
  [/\bos\s*\.\s*[a-z_]+/g, 'os module'],
  [/\b(?:lipsum|cycler|joiner)\s*\.\s*_/g, 'global object internals'],
];

/** What a chat template does that no chat template needs. */
export function templateRisks(template: string): string[] {
  const found: string[] = [];
  for (const [pattern, what] of TEMPLATE_RISKS) {
    const hits = new Set<string>();
    for (const m of template.matchAll(pattern)) {
      if (hits.size < 5) hits.add(m[0]);
    }
    if (hits.size > 0) found.push(`${what}: ${[...hits].join(', ')}`);
  }
  return found;
}

class Truncated extends Error {}

/**
 * GGUF (llama.cpp models): header, then typed key/value metadata, then tensor infos and data.
 * The metadata is parsed with every count and length bounded by the file size; chat templates
 * (`tokenizer.chat_template*`), which Jinja renders when the model is used, are checked for
 * constructs that reach Python internals. Tensor infos and data are not examined.
 */
export const ggufFormat: FormatHandler = {
  format: 'gguf',
  sniff(source) {
    const h = source.head;
    if (h.length < 8 || h[0] !== 0x47 || h[1] !== 0x47 || h[2] !== 0x55 || h[3] !== 0x46) {
      return false;
    }
    const version = Buffer.from(h.buffer, h.byteOffset + 4, 4).readUInt32LE(0);
    return version >= 1 && version <= 3 ? 'start' : false;
  },
  async scan(source, unit, ctx) {
    const src = await ctx.buffer(source, unit, 'GGUF file');
    if (src?.read === undefined || src.size === undefined) return;
    const read = src.read;
    const size = src.size;
    let pos = 4;
    const take = async (n: number): Promise<Buffer> => {
      if (n < 0 || pos + n > size) throw new Truncated(`needs ${n} bytes at offset ${pos}`);
      const bytes = Buffer.from(await read(pos, pos + n));
      pos += n;
      return bytes;
    };
    const u32 = async () => (await take(4)).readUInt32LE(0);
    const u64 = async () => {
      const v = (await take(8)).readBigUInt64LE(0);
      return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
    };
    const version = await u32();
    const count = version === 1 ? u32 : u64;
    const string = async (max: number): Promise<string> => {
      const n = await count();
      if (n > max) throw new Truncated(`string of ${n} bytes at offset ${pos}`);
      return (await take(n)).toString('utf8');
    };
    const skipValue = async (type: number, depth: number): Promise<void> => {
      const fixed = FIXED[type];
      if (fixed !== undefined) {
        await take(fixed);
      } else if (type === 8) {
        const n = await count();
        if (pos + n > size) throw new Truncated(`string of ${n} bytes at offset ${pos}`);
        pos += n;
      } else if (type === 9 && depth < 4) {
        const inner = await u32();
        const n = await count();
        const each = FIXED[inner];
        if (each !== undefined) {
          if (n * each > size - pos) throw new Truncated(`array of ${n} values at offset ${pos}`);
          pos += n * each;
        } else {
          if (n > size - pos) throw new Truncated(`array of ${n} values at offset ${pos}`);
          for (let i = 0; i < n; i++) await skipValue(inner, depth + 1);
        }
      } else {
        throw new Truncated(`unknown value type ${type} at offset ${pos - 4}`);
      }
    };
    try {
      const tensors = await count();
      const kvs = await count();
      if (kvs > MAX_KV) throw new Truncated(`${kvs} metadata entries`);
      unit.addFormat(`gguf-v${version}`);
      for (let i = 0; i < kvs; i++) {
        if (i % 1024 === 0 && ctx.expired()) {
          unit.incomplete('time limit reached (maxTimeMs) or scan cancelled');
          return;
        }
        const key = await string(65_535);
        const type = await u32();
        if (type === 8 && key.startsWith('tokenizer.chat_template')) {
          const offset = pos;
          checkTemplate(unit, key, await string(MAX_STRING), offset);
        } else {
          await skipValue(type, 0);
        }
      }
      if (tensors > size) throw new Truncated(`${tensors} tensors in a file of ${size} bytes`);
    } catch (error) {
      if (!(error instanceof Truncated)) throw error;
      unit.report({
        rule: 'malformed-header',
        severity: 'medium',
        message: `GGUF metadata out of bounds: ${error.message}`,
        offset: pos,
      });
      unit.incomplete(`GGUF metadata unreadable: ${error.message}`);
    }
  },
};

function checkTemplate(unit: ScanUnit, key: string, template: string, offset: number): void {
  const risks = templateRisks(template);
  if (risks.length === 0) return;
  unit.report({
    rule: 'template-injection',
    severity: 'high',
    message: `${key} reaches Python internals (${risks.join('; ')}); rendering it outside a sandbox runs code`,
    offset,
    evidence: { key, constructs: risks, bypass: 'B29' },
  });
}
