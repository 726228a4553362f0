import { Readable } from 'node:stream';
import { crc32, createInflateRaw } from 'node:zlib';

/** One member as the central directory and/or its local header describe it. */
export interface ZipEntry {
  /** Name from the central directory (or the local header when found only by the sweep). */
  name: string;
  /** Name in the local header, when it differs. */
  localName?: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
  /** Offset of the member's data (after the local header). */
  dataOffset: number;
  /** Found by the local-header sweep, not listed in the central directory. */
  unlisted: boolean;
}

export interface ZipAnomaly {
  kind:
    | 'prepended-data'
    | 'no-central-directory'
    | 'name-mismatch'
    | 'unlisted-member'
    | 'duplicate-name'
    | 'flag-bits'
    | 'crc-mismatch'
    | 'size-mismatch'
    | 'bad-local-header'
    | 'path-traversal'
    | 'trailing-data'
    | 'truncated';
  message: string;
  member?: string;
}

export interface ZipDirectory {
  entries: ZipEntry[];
  anomalies: ZipAnomaly[];
  /** The directory could not be read completely (truncated, too many entries). */
  problems: string[];
  zip64: boolean;
}

type Read = (start: number, end: number) => Promise<Uint8Array>;

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_EOCD64_LOC = 0x07064b50;

function u16(b: Uint8Array, at: number): number {
  return (b[at] as number) | ((b[at + 1] as number) << 8);
}
function u32(b: Uint8Array, at: number): number {
  return (
    ((b[at] as number) | ((b[at + 1] as number) << 8) | ((b[at + 2] as number) << 16)) +
    (b[at + 3] as number) * 0x1000000
  );
}
function u64(b: Uint8Array, at: number): number {
  return u32(b, at) + u32(b, at + 4) * 0x100000000;
}

const decoder = new TextDecoder('utf-8');
const latin = new TextDecoder('latin1');

function entryName(bytes: Uint8Array, flags: number): string {
  // ASCII names (nearly all) read the same in every encoding: no decoder call.
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) {
    if ((bytes[i] as number) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    return (
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length) as Buffer & {
        latin1Slice(start: number, end: number): string;
      }
    ).latin1Slice(0, bytes.length);
  }
  return (flags & 0x800) !== 0 ? decoder.decode(bytes) : latin.decode(bytes);
}

/** Where the End Of Central Directory record is, searching the last 64 KiB + 22 bytes. */
async function findEocd(read: Read, size: number): Promise<number> {
  const from = Math.max(0, size - (0xffff + 22));
  const tail = await read(from, size);
  if (tail.length < 22) return -1;
  // Native search (every member of every archive is sniffed for a directory at its end).
  const at = Buffer.from(tail.buffer, tail.byteOffset, tail.length).lastIndexOf(
    EOCD_SIGNATURE,
    tail.length - 22,
  );
  return at < 0 ? -1 : from + at;
}

const EOCD_SIGNATURE = Buffer.from([0x50, 0x4b, 0x05, 0x06]);

/** `hasZipDirectory` for content wholly in memory. */
export function zipDirectoryIn(content: Uint8Array): boolean {
  const tail = content.subarray(Math.max(0, content.length - (0xffff + 22)));
  if (tail.length < 22) return false;
  const at = Buffer.from(tail.buffer, tail.byteOffset, tail.length).lastIndexOf(
    EOCD_SIGNATURE,
    tail.length - 22,
  );
  return at >= 0;
}

/** True when the tail of the content holds an End Of Central Directory record. */
export async function hasZipDirectory(read: Read, size: number): Promise<boolean> {
  return (await findEocd(read, size)) >= 0;
}

interface LocalHeader {
  zip64: boolean;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  name: string;
  dataOffset: number;
}

async function readLocalHeader(
  read: Read,
  size: number,
  at: number,
): Promise<LocalHeader | undefined> {
  if (at < 0 || at + 30 > size) return undefined;
  const h = await read(at, Math.min(size, at + 30));
  if (h.length < 30 || u32(h, 0) !== SIG_LOCAL) return undefined;
  const nameLen = u16(h, 26);
  const extraLen = u16(h, 28);
  const flags = u16(h, 6);
  const rest = await read(at + 30, Math.min(size, at + 30 + nameLen + extraLen));
  let compressedSize = u32(h, 18);
  let uncompressed = u32(h, 22);
  let zip64 = false;
  // zip64 extra field in the local header.
  for (let p = nameLen; p + 4 <= rest.length; ) {
    const id = u16(rest, p);
    const len = u16(rest, p + 2);
    if (id === 0x0001 && p + 4 + len <= rest.length) {
      zip64 = true;
      let q = p + 4;
      if (uncompressed === 0xffffffff && q + 8 <= p + 4 + len) {
        uncompressed = u64(rest, q);
        q += 8;
      }
      if (compressedSize === 0xffffffff && q + 8 <= p + 4 + len) compressedSize = u64(rest, q);
    }
    p += 4 + len;
  }
  return {
    zip64,
    flags,
    method: u16(h, 8),
    crc: u32(h, 14),
    compressedSize,
    size: uncompressed,
    name: entryName(rest.subarray(0, nameLen), flags),
    dataOffset: at + 30 + nameLen + extraLen,
  };
}

/**
 * Reads a zip's members the way the most permissive loader would: the central directory (with
 * zip64) gives the list, the local headers give the data, and a linear sweep of local headers
 * finds members the directory does not list. Flag bits and CRCs are never a reason to stop;
 * every disagreement is reported as an anomaly.
 */
export async function readZipDirectory(
  read: Read,
  size: number,
  maxEntries: number,
): Promise<ZipDirectory> {
  const anomalies: ZipAnomaly[] = [];
  const problems: string[] = [];
  const entries: ZipEntry[] = [];
  let zip64 = false;
  // The sweep below reads the local headers the directory led to once more: parsed once.
  const locals = new Map<number, LocalHeader | undefined>();
  const readLocal = async (read: Read, size: number, at: number) => {
    if (locals.has(at)) return locals.get(at);
    const local = await readLocalHeader(read, size, at);
    locals.set(at, local);
    return local;
  };
  const eocd = await findEocd(read, size);
  let shift = 0;
  let cdEnd = size;
  if (eocd >= 0) {
    const e = await read(eocd, Math.min(size, eocd + 22));
    let count = u16(e, 10);
    let cdSize = u32(e, 12);
    let cdOffset = u32(e, 16);
    const commentLen = u16(e, 20);
    if (eocd + 22 + commentLen < size) {
      anomalies.push({
        kind: 'trailing-data',
        message: `${size - eocd - 22 - commentLen} bytes after the end of the archive`,
      });
    }
    let eocdStart = eocd;
    if (eocd >= 20) {
      const loc = await read(eocd - 20, eocd);
      if (u32(loc, 0) === SIG_EOCD64_LOC) {
        const at64 = u64(loc, 8);
        const rec = await read(at64, Math.min(size, at64 + 56));
        if (rec.length >= 56 && u32(rec, 0) === SIG_EOCD64) {
          zip64 = true;
          count = u64(rec, 32);
          cdSize = u64(rec, 40);
          cdOffset = u64(rec, 48);
          eocdStart = at64;
        }
      }
    }
    // Data prepended to the archive shifts every offset (Python's zipfile corrects for it).
    const actualCd = eocdStart - cdSize;
    if (actualCd >= 0 && actualCd !== cdOffset) {
      shift = actualCd - cdOffset;
      if (shift > 0) {
        anomalies.push({
          kind: 'prepended-data',
          message: `${shift} bytes of data before the archive`,
        });
      }
    }
    cdEnd = eocdStart;
    const p = cdOffset + shift;
    const cd = await read(p, Math.min(size, p + cdSize));
    let at = 0;
    for (let i = 0; i < count; i++) {
      if (entries.length >= maxEntries) {
        problems.push(`more than ${maxEntries} entries (maxEntries)`);
        break;
      }
      if (at + 46 > cd.length || u32(cd, at) !== SIG_CENTRAL) {
        problems.push(`central directory entry ${i} at ${p + at} is damaged`);
        break;
      }
      const flags = u16(cd, at + 8);
      const method = u16(cd, at + 10);
      const crc = u32(cd, at + 16);
      let compressedSize = u32(cd, at + 20);
      let uncompressed = u32(cd, at + 24);
      const nameLen = u16(cd, at + 28);
      const extraLen = u16(cd, at + 30);
      const commentLen2 = u16(cd, at + 32);
      let localOffset = u32(cd, at + 42);
      const name = entryName(cd.subarray(at + 46, at + 46 + nameLen), flags);
      const extra = cd.subarray(at + 46 + nameLen, at + 46 + nameLen + extraLen);
      for (let q = 0; q + 4 <= extra.length; ) {
        const id = u16(extra, q);
        const len = u16(extra, q + 2);
        if (id === 0x0001) {
          zip64 = true;
          let r = q + 4;
          if (uncompressed === 0xffffffff && r + 8 <= q + 4 + len) {
            uncompressed = u64(extra, r);
            r += 8;
          }
          if (compressedSize === 0xffffffff && r + 8 <= q + 4 + len) {
            compressedSize = u64(extra, r);
            r += 8;
          }
          if (localOffset === 0xffffffff && r + 8 <= q + 4 + len) localOffset = u64(extra, r);
        }
        q += 4 + len;
      }
      at += 46 + nameLen + extraLen + commentLen2;
      const headerAt = localOffset + shift;
      const local = await readLocal(read, size, headerAt);
      if (local?.zip64) zip64 = true;
      if (local === undefined) {
        anomalies.push({
          kind: 'bad-local-header',
          message: `no local header at ${headerAt}`,
          member: name,
        });
        continue;
      }
      const entry: ZipEntry = {
        name,
        method,
        flags,
        crc,
        compressedSize,
        size: uncompressed,
        localHeaderOffset: headerAt,
        dataOffset: local.dataOffset,
        unlisted: false,
      };
      if (local.name !== name) {
        entry.localName = local.name;
        anomalies.push({
          kind: 'name-mismatch',
          message: `local header names it ${JSON.stringify(local.name)}, the central directory ${JSON.stringify(name)}`,
          member: name,
        });
      }
      if (local.method !== method) {
        anomalies.push({
          kind: 'bad-local-header',
          message: `local header says method ${local.method}, directory ${method}`,
          member: name,
        });
      }
      entries.push(entry);
    }
  } else {
    anomalies.push({
      kind: 'no-central-directory',
      message: 'no central directory; members found by their local headers',
    });
  }

  // Sweep local headers in file order: members the directory does not list are scanned too.
  const byOffset = new Map(entries.map((e) => [e.localHeaderOffset, e] as const));
  let at = entries.length > 0 ? Number.POSITIVE_INFINITY : Math.max(shift, 0);
  for (const e of entries) at = Math.min(at, e.localHeaderOffset);
  if (eocd < 0) {
    // Without a directory the archive may start after prepended data: find the first header.
    const head = await read(0, Math.min(size, 1024 * 1024));
    const first = findSignature(head, 0);
    at = first < 0 ? size : first;
  }
  let swept = 0;
  while (at + 30 <= cdEnd && swept < maxEntries) {
    const local = await readLocal(read, size, at);
    if (local === undefined) break;
    swept++;
    let compressed = local.compressedSize;
    const listed = byOffset.get(at);
    if (listed !== undefined) compressed = listed.compressedSize;
    else if ((local.flags & 0x08) !== 0 && compressed === 0) {
      problems.push(
        `member ${JSON.stringify(local.name)} at ${at} has no size outside a data descriptor and is not in the directory`,
      );
      break;
    }
    if (!byOffset.has(at)) {
      const found: ZipEntry = {
        name: local.name,
        method: local.method,
        flags: local.flags,
        crc: local.crc,
        compressedSize: local.compressedSize,
        size: local.size,
        localHeaderOffset: at,
        dataOffset: local.dataOffset,
        unlisted: true,
      };
      byOffset.set(at, found);
      entries.push(found);
      if (eocd >= 0) {
        anomalies.push({
          kind: 'unlisted-member',
          message: `member at ${at} is not in the central directory`,
          member: local.name,
        });
      }
    }
    let next = local.dataOffset + compressed;
    if ((local.flags & 0x08) !== 0) {
      // Skip the data descriptor (optionally signed, 12 or 16 bytes; 20/24 with zip64).
      const d = await read(next, Math.min(size, next + 4));
      if (d.length === 4 && u32(d, 0) === 0x08074b50) next += 4;
      next += zip64 ? 20 : 12;
      if (next + 4 <= size) {
        const s = await read(next, next + 4);
        if (u32(s, 0) !== SIG_LOCAL && u32(s, 0) !== SIG_CENTRAL) {
          // Align to the next signature if the descriptor size guess was off.
          const window = await read(next - 8, Math.min(size, next + 16));
          const i = findSignature(window, 0);
          if (i >= 0) next = next - 8 + i;
        }
      }
    }
    if (next <= at) break;
    at = next;
  }

  const seen = new Map<string, number>();
  for (const e of entries) {
    seen.set(e.name, (seen.get(e.name) ?? 0) + 1);
    if ((e.flags & ~0x0808 & ~0x0006) !== 0) {
      anomalies.push({
        kind: 'flag-bits',
        message: `general-purpose flags 0x${e.flags.toString(16)}`,
        member: e.name,
      });
    }
    // A `..` component needs `..` in the name: most names are not split at all.
    if (e.name.startsWith('/') || (e.name.includes('..') && e.name.split(/[\\/]/).includes('..'))) {
      anomalies.push({
        kind: 'path-traversal',
        message: `member name ${JSON.stringify(e.name)} escapes the archive`,
        member: e.name,
      });
    }
    if (e.dataOffset + e.compressedSize > size) {
      anomalies.push({
        kind: 'truncated',
        message: `member data runs past the end of the file`,
        member: e.name,
      });
    }
  }
  for (const [name, n] of seen) {
    if (n > 1)
      anomalies.push({
        kind: 'duplicate-name',
        message: `${n} members are named ${JSON.stringify(name)}`,
        member: name,
      });
  }
  return { entries, anomalies, problems, zip64 };
}

function findSignature(b: Uint8Array, from: number): number {
  for (let i = from; i + 4 <= b.length; i++) {
    if (b[i] === 0x50 && b[i + 1] === 0x4b && b[i + 2] === 0x03 && b[i + 3] === 0x04) return i;
  }
  return -1;
}

export interface MemberStreamOptions {
  /** Stop (with `onLimit`) after this many output bytes. */
  maxBytes: number;
  onLimit(reason: string): void;
  /** Called with the CRC-32 of everything produced, when the member was read to its end. */
  onEnd?(crc: number, bytes: number): void;
  /** Called when the compressed data is corrupt; the stream then ends early. */
  onError(reason: string): void;
}

const READ_CHUNK = 1024 * 1024;

/** Raw (still compressed) bytes of a member. */
export async function* rawMemberBytes(
  read: Read,
  size: number,
  entry: ZipEntry,
): AsyncIterable<Uint8Array> {
  const end = Math.min(size, entry.dataOffset + entry.compressedSize);
  for (let at = entry.dataOffset; at < end; at += READ_CHUNK) {
    const chunk = await read(at, Math.min(end, at + READ_CHUNK));
    if (chunk.length === 0) return;
    yield chunk;
  }
}

/** The decompressed content of a stored or deflated member, bounded. */
export async function* memberContent(
  read: Read,
  size: number,
  entry: ZipEntry,
  options: MemberStreamOptions,
): AsyncIterable<Uint8Array> {
  let produced = 0;
  let crc = 0;
  let complete = true;
  const emit = function* (chunk: Uint8Array): Generator<Uint8Array, boolean> {
    if (produced + chunk.length > options.maxBytes) {
      const keep = options.maxBytes - produced;
      if (keep > 0) {
        crc = crc32(chunk.subarray(0, keep), crc);
        yield chunk.subarray(0, keep);
      }
      produced = options.maxBytes;
      return false;
    }
    produced += chunk.length;
    crc = crc32(chunk, crc);
    yield chunk;
    return true;
  };
  if (entry.method === 0) {
    for await (const chunk of rawMemberBytes(read, size, entry)) {
      if (!(yield* emit(chunk))) {
        complete = false;
        options.onLimit(`member larger than ${options.maxBytes} bytes`);
        return;
      }
    }
  } else {
    const inflate = Readable.from(rawMemberBytes(read, size, entry)).pipe(createInflateRaw());
    try {
      for await (const chunk of inflate as AsyncIterable<Uint8Array>) {
        if (!(yield* emit(chunk))) {
          complete = false;
          options.onLimit(`member decompresses to more than ${options.maxBytes} bytes`);
          return;
        }
      }
    } catch (error) {
      complete = false;
      options.onError(
        `deflate data is corrupt: ${error instanceof Error ? error.message : String(error)}`,
      );
      return;
    } finally {
      inflate.destroy();
    }
  }
  if (complete) options.onEnd?.(crc >>> 0, produced);
}
