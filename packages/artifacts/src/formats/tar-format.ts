import type { ScanUnit } from '../scan/scan-unit.js';
import { sourceFromReader } from '../scan/source.js';
import { isAsciiSpace } from './_ascii-space.js';
import type { FormatHandler } from './format-handler.js';

const BLOCK = 512;
const LEGACY_TORCH_MEMBERS = ['sys_info', 'pickle', 'storages'];

const utf8Text = new TextDecoder('utf-8');

function field(b: Uint8Array, at: number, len: number): string {
  const s = b.subarray(at, at + len);
  const end = s.indexOf(0);
  return utf8Text.decode(end < 0 ? s : s.subarray(0, end));
}

/**
 * An octal field of ASCII digits between optional spaces, ended by NUL or the field's end, read
 * without decoding it; undefined when the field is anything else (then `octal` decodes it).
 */
function asciiOctal(b: Uint8Array, at: number, len: number): number | undefined {
  let i = at;
  const end = at + len;
  while (i < end && isAsciiSpace(b[i] as number)) i++;
  let v = 0;
  for (; i < end; i++) {
    const c = b[i] as number;
    if (c < 0x30 || c > 0x37) break;
    v = v * 8 + (c - 0x30);
  }
  while (i < end && isAsciiSpace(b[i] as number)) i++;
  // Spaces only count as 0, as in the decoded path.
  return i === end || b[i] === 0 ? v : undefined;
}

function octal(b: Uint8Array, at: number, len: number): number | undefined {
  if (((b[at] as number) & 0x80) !== 0) {
    // base-256 (GNU) for large sizes
    let v = (b[at] as number) & 0x7f;
    for (let i = 1; i < len; i++) v = v * 256 + (b[at + i] as number);
    return v;
  }
  const fast = asciiOctal(b, at, len);
  if (fast !== undefined) return fast;
  const s = field(b, at, len).trim();
  if (s === '') return 0;
  return /^[0-7]+$/.test(s) ? Number.parseInt(s, 8) : undefined;
}

function checksumOk(h: Uint8Array): boolean {
  const stored = octal(h, 148, 8);
  if (stored === undefined) return false;
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (h[i] as number);
  return sum === stored;
}

/** Reads `path=` from a pax extended header. */
function paxPath(data: Uint8Array): string | undefined {
  const text = utf8Text.decode(data);
  const m = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(text);
  return m?.[1];
}

function anomaly(unit: ScanUnit, kind: string, message: string): void {
  unit.report({
    rule: 'archive-anomaly',
    severity: 'low',
    message: `tar ${kind}: ${message}`,
    evidence: { anomaly: kind },
  });
}

/**
 * tar archives (the legacy PyTorch tar format, model bundles). Members are scanned by content;
 * links are reported, never followed; nothing is extracted.
 */
export const tarFormat: FormatHandler = {
  format: 'tar',
  sniff(source) {
    const h = source.head;
    if (h.length < BLOCK) return false;
    // Both ways of recognising a header need its checksum: checked first, it rejects most heads.
    if (!checksumOk(h)) return false;
    return field(h, 257, 6).startsWith('ustar') || field(h, 0, 100).length > 0 ? 'start' : false;
  },
  async scan(source, unit, ctx, depth) {
    const src = await ctx.buffer(source, unit, 'tar archive');
    if (src?.read === undefined || src.size === undefined) return;
    const read = src.read;
    const size = src.size;
    let at = 0;
    let longName: string | undefined;
    let entries = 0;
    const names: string[] = [];
    const members: { name: string; offset: number; size: number }[] = [];
    while (at + BLOCK <= size) {
      const h = await read(at, at + BLOCK);
      if (h.every((b) => b === 0)) break;
      if (!checksumOk(h)) {
        anomaly(unit, 'bad-header', `header checksum wrong at ${at}; the rest was not read`);
        unit.incomplete(`tar header damaged at ${at}`);
        break;
      }
      if (++entries > ctx.limits.maxEntries) {
        unit.incomplete(`more than ${ctx.limits.maxEntries} entries (maxEntries)`);
        break;
      }
      const memberSize = octal(h, 124, 12) ?? 0;
      const type = String.fromCharCode(h[156] as number);
      const prefix = field(h, 345, 155);
      let name = longName ?? (prefix ? `${prefix}/${field(h, 0, 100)}` : field(h, 0, 100));
      longName = undefined;
      const dataAt = at + BLOCK;
      at = dataAt + Math.ceil(memberSize / BLOCK) * BLOCK;
      if (dataAt + memberSize > size) {
        anomaly(unit, 'truncated', `member ${JSON.stringify(name)} runs past the end of the file`);
        unit.incomplete('tar archive truncated');
      }
      if (type === 'L') {
        longName = field(await read(dataAt, dataAt + Math.min(memberSize, 65536)), 0, memberSize);
        continue;
      }
      if (type === 'x') {
        longName = paxPath(await read(dataAt, dataAt + Math.min(memberSize, 65536)));
        continue;
      }
      if (type === 'g') continue;
      if (type === '1' || type === '2') {
        anomaly(
          unit,
          'link',
          `${JSON.stringify(name)} links to ${JSON.stringify(field(h, 157, 100))}; links are not followed`,
        );
        continue;
      }
      if (type === '5') continue;
      if (type !== '0' && type !== '\u0000' && type !== '7') {
        anomaly(
          unit,
          'member-type',
          `member ${JSON.stringify(name)} has type ${JSON.stringify(type)}; not scanned`,
        );
        unit.incomplete(`tar member type ${JSON.stringify(type)} not supported`);
        continue;
      }
      if (name.startsWith('/') || name.split('/').includes('..')) {
        anomaly(unit, 'path-traversal', `member name ${JSON.stringify(name)} escapes the archive`);
      }
      name = name.replace(/^\.\//, '');
      names.push(name);
      members.push({
        name,
        offset: dataAt,
        size: Math.max(0, Math.min(memberSize, size - dataAt)),
      });
    }
    const legacyTorch = LEGACY_TORCH_MEMBERS.every((n) => names.includes(n));
    if (legacyTorch) {
      unit.addFormat('pytorch-legacy-tar');
      unit.report({
        rule: 'legacy-torch-format',
        severity: 'medium',
        message:
          'legacy PyTorch tar format: current PyTorch refuses weights_only=True on it, so loading runs its pickles unrestricted',
      });
    }
    for (const m of members) {
      if (ctx.expired()) {
        unit.incomplete('time limit reached (maxTimeMs) or scan cancelled');
        return;
      }
      const child = unit.child(m.name);
      if (legacyTorch) child.hints.persistentIds = true;
      const member = await sourceFromReader(m.name, m.size, (s, e) =>
        read(m.offset + s, m.offset + Math.min(e, m.size)),
      );
      await ctx.scan(member, child, depth + 1);
    }
  },
};
