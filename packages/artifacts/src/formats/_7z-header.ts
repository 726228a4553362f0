import { crc32 } from 'node:zlib';

/*
 * The 7z archive header (7-Zip's 7zFormat.txt): signature header, then a header of property
 * records, either plain (kHeader) or packed like file data (kEncodedHeader). Parsed from bytes in
 * memory; every count is checked against the bytes left before anything is allocated.
 */

export const SIGNATURE = Uint8Array.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]);
export const SIGNATURE_HEADER_BYTES = 32;

const K = {
  end: 0x00,
  header: 0x01,
  archiveProperties: 0x02,
  additionalStreamsInfo: 0x03,
  mainStreamsInfo: 0x04,
  filesInfo: 0x05,
  packInfo: 0x06,
  unpackInfo: 0x07,
  substreamsInfo: 0x08,
  size: 0x09,
  crc: 0x0a,
  folder: 0x0b,
  codersUnpackSize: 0x0c,
  numUnpackStream: 0x0d,
  emptyStream: 0x0e,
  emptyFile: 0x0f,
  anti: 0x10,
  name: 0x11,
  encodedHeader: 0x17,
} as const;

/** Coders in a folder more than this are refused (7-Zip writes at most 4). */
const MAX_CODERS = 32;
/** Streams of one coder (BCJ2, the widest, has 4 inputs). */
const MAX_STREAMS = 8;

export class SevenZipError extends Error {}

export interface Coder {
  /** Method id as hex, e.g. `21` (LZMA2), `030101` (LZMA), `06f10701` (AES). */
  id: string;
  props: Uint8Array;
  inStreams: number;
  outStreams: number;
}

export interface Folder {
  coders: Coder[];
  /** Unpacked size of each coder output stream, in coder order. */
  unpackSizes: number[];
  /** Index of the output stream no bind pair consumes: the folder's content. */
  mainOut: number;
  /** Number of packed input streams. */
  packedStreams: number;
  /** Which coder input reads which coder output. */
  bindPairs: { inIndex: number; outIndex: number }[];
}

export interface StreamsInfo {
  /** Offset of the first packed stream, from the end of the signature header. */
  packPos: number;
  packSizes: number[];
  folders: Folder[];
  /** For each folder, the sizes of the files packed in it, in order. */
  substreams: number[][];
}

export interface Entry {
  name: string;
  hasStream: boolean;
  isDir: boolean;
  isAnti: boolean;
}

export interface Header {
  streams: StreamsInfo | undefined;
  entries: Entry[];
}

export interface SignatureHeader {
  /** Absolute offset of the (next) header. */
  headerOffset: number;
  headerSize: number;
}

class Bytes {
  pos = 0;
  /** Items (streams, folders, files, coders) the counts read so far allow. */
  private items = 0;

  constructor(
    readonly b: Uint8Array,
    /** Items allowed in all: every list the parser builds stays within this. */
    private readonly maxItems: number,
  ) {}

  get left(): number {
    return this.b.length - this.pos;
  }

  byte(): number {
    if (this.pos >= this.b.length) throw new SevenZipError('header ends early');
    return this.b[this.pos++] as number;
  }

  bytes(n: number): Uint8Array {
    if (n > this.left) throw new SevenZipError('header ends early');
    const out = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** 7z's variable-length NUMBER: leading 1 bits of the first byte count the extra bytes. */
  number(): number {
    const first = this.byte();
    let mask = 0x80;
    let value = 0;
    for (let i = 0; i < 8; i++) {
      if ((first & mask) === 0) {
        value += (first & (mask - 1)) * 2 ** (8 * i);
        break;
      }
      value += this.byte() * 2 ** (8 * i);
      mask >>= 1;
    }
    if (!Number.isSafeInteger(value)) throw new SevenZipError('number too large');
    return value;
  }

  /** A count of items each taking at least `minBytes` bytes of the header (0: one bit). */
  count(what: string, minBytes = 1, max = Number.POSITIVE_INFINITY): number {
    const n = this.number();
    const room = minBytes === 0 ? this.left * 8 : this.left / minBytes;
    if (n > room)
      throw new SevenZipError(
        `${what} count ${n} does not fit the header (${this.left} bytes left)`,
      );
    if (n > max) throw new SevenZipError(`${what} count ${n} is more than ${max}`);
    return n;
  }

  /** Counts `n` items against the parser's total (a list of that length is about to be built). */
  claim(n: number, what: string): number {
    this.items += n;
    if (this.items > this.maxItems)
      throw new SevenZipError(`more than ${this.maxItems} ${what}s and other items (maxEntries)`);
    return n;
  }

  u32(): number {
    const v = this.bytes(4);
    return (
      ((v[0] as number) | ((v[1] as number) << 8) | ((v[2] as number) << 16)) +
      (v[3] as number) * 0x1000000
    );
  }

  bits(n: number): boolean[] {
    const out: boolean[] = [];
    let byte = 0;
    for (let i = 0; i < n; i++) {
      if (i % 8 === 0) byte = this.byte();
      out.push((byte & (0x80 >> (i % 8))) !== 0);
    }
    return out;
  }

  expect(id: number, where: string): void {
    const got = this.byte();
    if (got !== id)
      throw new SevenZipError(
        `expected property 0x${id.toString(16)} in ${where}, got 0x${got.toString(16)}`,
      );
  }
}

function u64(b: Uint8Array, at: number): number {
  const lo =
    ((b[at] as number) | ((b[at + 1] as number) << 8) | ((b[at + 2] as number) << 16)) +
    (b[at + 3] as number) * 0x1000000;
  const hi =
    ((b[at + 4] as number) | ((b[at + 5] as number) << 8) | ((b[at + 6] as number) << 16)) +
    (b[at + 7] as number) * 0x1000000;
  const v = hi * 0x100000000 + lo;
  if (!Number.isSafeInteger(v)) throw new SevenZipError('offset too large');
  return v;
}

export function isSevenZip(head: Uint8Array): boolean {
  return head.length >= 6 && SIGNATURE.every((m, i) => head[i] === m);
}

/** Where a 7z archive after prepended data (a self-extracting stub) is looked for. */
export const MAX_7Z_SEARCH_BYTES = 4 * 1024 * 1024;

/**
 * Whether a valid signature header starts at `at`: the signature, major version 0 and the CRC-32
 * of the 20 bytes after it matching the one stored (so random bytes, or the signature constant in
 * an extractor's own code, do not count).
 */
function isStartHeader(b: Uint8Array, at: number): boolean {
  if (at < 0 || at + SIGNATURE_HEADER_BYTES > b.length || b[at + 6] !== 0) return false;
  for (let i = 0; i < SIGNATURE.length; i++) if (b[at + i] !== SIGNATURE[i]) return false;
  const stored =
    ((b[at + 8] as number) | ((b[at + 9] as number) << 8) | ((b[at + 10] as number) << 16)) +
    (b[at + 11] as number) * 0x1000000;
  return crc32(b.subarray(at + 12, at + SIGNATURE_HEADER_BYTES)) === stored;
}

/** The first valid signature header in `b` at or after `from` (whole headers only), or -1. */
export function findStartHeader(b: Uint8Array, from: number): number {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.length);
  for (let at = buf.indexOf(SIGNATURE, from); at >= 0; at = buf.indexOf(SIGNATURE, at + 1)) {
    if (isStartHeader(b, at)) return at;
  }
  return -1;
}

/**
 * Heads of content whose extractors run a 7z archive appended to them: PE (`MZ`), ELF, Mach-O and
 * shell scripts (`#!`). Past the head, only these are searched for an archive.
 */
function isExecutableStub(head: Uint8Array): boolean {
  const b0 = head[0];
  const b1 = head[1];
  if ((b0 === 0x4d && b1 === 0x5a) || (b0 === 0x23 && b1 === 0x21)) return true;
  if (b0 === 0x7f && b1 === 0x45 && head[2] === 0x4c && head[3] === 0x46) return true;
  const magic = Buffer.from(head.subarray(0, 4)).toString('hex');
  return ['feedface', 'feedfacf', 'cefaedfe', 'cffaedfe', 'cafebabe'].includes(magic);
}

/** Whether `locateStartHeader` reads past the head: an executable with random access. */
export function searchesPastHead(
  head: Uint8Array,
  size: number | undefined,
  read: ((start: number, end: number) => Promise<Uint8Array>) | undefined,
): read is (start: number, end: number) => Promise<Uint8Array> {
  return read !== undefined && size !== undefined && size > head.length && isExecutableStub(head);
}

/**
 * Offset of a 7z archive after prepended data, within the first `MAX_7Z_SEARCH_BYTES` (signature
 * start), or -1: the head is searched without reads; beyond it only content starting like an
 * executable is read, in 1 MiB windows.
 */
export async function locateStartHeader(
  head: Uint8Array,
  size: number | undefined,
  read: ((start: number, end: number) => Promise<Uint8Array>) | undefined,
): Promise<number> {
  const inHead = findStartHeader(head, 1);
  if (inHead >= 0) return inHead;
  if (!searchesPastHead(head, size, read)) return -1;
  if (size === undefined) return -1;
  const window = 1024 * 1024;
  // Windows overlap by a header less one byte, so a header across a boundary is seen whole.
  for (
    let start = Math.max(1, head.length - SIGNATURE_HEADER_BYTES + 1);
    start < MAX_7Z_SEARCH_BYTES && start < size;
    start += window
  ) {
    const bytes = await read(start, Math.min(size, start + window + SIGNATURE_HEADER_BYTES - 1));
    const at = findStartHeader(bytes, 0);
    if (at >= 0 && start + at < MAX_7Z_SEARCH_BYTES) return start + at;
    if (bytes.length < window) break;
  }
  return -1;
}

/** The signature header: where the header lies. */
export function readSignatureHeader(head: Uint8Array): SignatureHeader {
  if (head.length < SIGNATURE_HEADER_BYTES)
    throw new SevenZipError('shorter than the 32-byte signature header');
  if (head[6] !== 0) throw new SevenZipError(`unknown major version ${head[6]}`);
  const next = u64(head, 12);
  const size = u64(head, 20);
  return { headerOffset: SIGNATURE_HEADER_BYTES + next, headerSize: size };
}

/** Skips a digests record; which of the `n` streams have a CRC. */
function digests(r: Bytes, n: number): boolean[] {
  const defined = r.byte() !== 0 ? new Array<boolean>(n).fill(true) : r.bits(n);
  r.bytes(4 * defined.filter(Boolean).length);
  return defined;
}

function readFolder(r: Bytes): Folder {
  const numCoders = r.claim(r.count('coder', 2, MAX_CODERS), 'coder');
  if (numCoders === 0) throw new SevenZipError('folder without coders');
  const coders: Coder[] = [];
  let totalIn = 0;
  let totalOut = 0;
  for (let i = 0; i < numCoders; i++) {
    const flags = r.byte();
    if ((flags & 0x80) !== 0)
      throw new SevenZipError('alternative coder methods are not supported');
    const id = Buffer.from(r.bytes(flags & 0x0f)).toString('hex');
    const complex = (flags & 0x10) !== 0;
    const inStreams = complex ? r.claim(r.count('coder input', 0, MAX_STREAMS), 'stream') : 1;
    const outStreams = complex ? r.claim(r.count('coder output', 0, MAX_STREAMS), 'stream') : 1;
    const props = (flags & 0x20) !== 0 ? r.bytes(r.count('property byte')) : new Uint8Array(0);
    coders.push({ id, props, inStreams, outStreams });
    totalIn += inStreams;
    totalOut += outStreams;
  }
  if (totalOut === 0) throw new SevenZipError('folder without output');
  const boundOut = new Set<number>();
  const bindPairs: { inIndex: number; outIndex: number }[] = [];
  for (let i = 0; i < totalOut - 1; i++) {
    const inIndex = r.number();
    const outIndex = r.number();
    boundOut.add(outIndex);
    bindPairs.push({ inIndex, outIndex });
  }
  const packedStreams = totalIn - (totalOut - 1);
  if (packedStreams < 1) throw new SevenZipError('folder without packed streams');
  if (packedStreams > 1) for (let i = 0; i < packedStreams; i++) r.number();
  let mainOut = 0;
  while (boundOut.has(mainOut)) mainOut++;
  if (mainOut >= totalOut) throw new SevenZipError('folder has no unbound output');
  return { coders, unpackSizes: [], mainOut, packedStreams, bindPairs };
}

function readStreamsInfo(r: Bytes): StreamsInfo {
  const info: StreamsInfo = { packPos: 0, packSizes: [], folders: [], substreams: [] };
  let folderCrc: boolean[] = [];
  let id = r.byte();
  if (id === K.packInfo) {
    info.packPos = r.number();
    const n = r.claim(r.count('packed stream'), 'packed stream');
    id = r.byte();
    if (id === K.size) {
      for (let i = 0; i < n; i++) info.packSizes.push(r.number());
      id = r.byte();
    }
    if (id === K.crc) {
      digests(r, n);
      id = r.byte();
    }
    if (id !== K.end)
      throw new SevenZipError(`unexpected property 0x${id.toString(16)} in pack info`);
    id = r.byte();
  }
  if (id === K.unpackInfo) {
    r.expect(K.folder, 'coders info');
    const n = r.claim(r.count('folder', 2), 'folder');
    if (r.byte() !== 0)
      throw new SevenZipError('folders stored outside the header are not supported');
    for (let i = 0; i < n; i++) info.folders.push(readFolder(r));
    r.expect(K.codersUnpackSize, 'coders info');
    for (const folder of info.folders) {
      const outs = folder.coders.reduce((s, c) => s + c.outStreams, 0);
      for (let i = 0; i < outs; i++) folder.unpackSizes.push(r.number());
    }
    id = r.byte();
    if (id === K.crc) {
      folderCrc = digests(r, n);
      id = r.byte();
    }
    if (id !== K.end)
      throw new SevenZipError(`unexpected property 0x${id.toString(16)} in coders info`);
    id = r.byte();
  }
  const counts = info.folders.map(() => 1);
  if (id === K.substreamsInfo) {
    id = r.byte();
    if (id === K.numUnpackStream) {
      for (let i = 0; i < counts.length; i++)
        counts[i] = r.claim(r.count('file in folder', 0), 'file');
      id = r.byte();
    }
    if (id === K.size) {
      info.folders.forEach((folder, i) => {
        const n = counts[i] as number;
        if (n === 0) {
          info.substreams.push([]);
          return;
        }
        const sizes: number[] = [];
        let sum = 0;
        for (let j = 0; j < n - 1; j++) {
          const s = r.number();
          sizes.push(s);
          sum += s;
        }
        const total = folderSize(folder);
        if (sum > total) throw new SevenZipError('file sizes exceed their folder');
        sizes.push(total - sum);
        info.substreams.push(sizes);
      });
      id = r.byte();
    }
    if (id === K.crc) {
      const unknown = counts.reduce((s, n, i) => s + (n === 1 && folderCrc[i] ? 0 : n), 0);
      digests(r, unknown);
      id = r.byte();
    }
    if (id !== K.end)
      throw new SevenZipError(`unexpected property 0x${id.toString(16)} in substreams info`);
    id = r.byte();
  }
  if (info.substreams.length === 0) {
    info.folders.forEach((folder, i) => {
      if ((counts[i] as number) > 1)
        throw new SevenZipError('several files in a folder without their sizes');
      info.substreams.push(counts[i] === 0 ? [] : [folderSize(folder)]);
    });
  }
  if (id !== K.end)
    throw new SevenZipError(`unexpected property 0x${id.toString(16)} in streams info`);
  return info;
}

export function folderSize(folder: Folder): number {
  return folder.unpackSizes[folder.mainOut] ?? 0;
}

function names(bytes: Uint8Array, n: number): string[] {
  const text = Buffer.from(bytes).toString('utf16le');
  const list = text.split('\u0000').slice(0, n);
  while (list.length < n) list.push('');
  return list;
}

function readFilesInfo(r: Bytes, maxEntries: number): Entry[] {
  const n = r.claim(r.count('file', 0, maxEntries), 'file');
  let emptyStream: boolean[] = [];
  let emptyFile: boolean[] = [];
  let anti: boolean[] = [];
  let fileNames: string[] = [];
  for (;;) {
    const type = r.byte();
    if (type === K.end) break;
    const size = r.count('property byte');
    const end = r.pos + size;
    const numEmpty = emptyStream.filter(Boolean).length;
    if (type === K.emptyStream) emptyStream = r.bits(n);
    else if (type === K.emptyFile) emptyFile = r.bits(numEmpty);
    else if (type === K.anti) anti = r.bits(numEmpty);
    else if (type === K.name) {
      if (r.byte() !== 0)
        throw new SevenZipError('names stored outside the header are not supported');
      fileNames = names(r.bytes(end - r.pos), n);
    }
    r.pos = end;
  }
  const entries: Entry[] = [];
  let k = 0;
  for (let i = 0; i < n; i++) {
    const hasStream = emptyStream[i] !== true;
    const isDir = !hasStream && emptyFile[k] !== true;
    const isAnti = !hasStream && anti[k] === true;
    if (!hasStream) k++;
    entries.push({ name: fileNames[i] ?? '', hasStream, isDir, isAnti });
  }
  return entries;
}

/**
 * Parses header bytes. A plain header gives its entries and streams; an encoded header gives the
 * streams info that unpacks the real header (`encoded`), which the caller decodes and passes back.
 */
export function parseHeader(
  bytes: Uint8Array,
  maxEntries: number,
): { kind: 'plain'; header: Header } | { kind: 'encoded'; streams: StreamsInfo } {
  // Every list is bounded by the entries allowed: a few items (streams, folders) per file.
  const r = new Bytes(bytes, 8 * maxEntries + 1024);
  const id = r.byte();
  if (id === K.encodedHeader) return { kind: 'encoded', streams: readStreamsInfo(r) };
  if (id !== K.header) throw new SevenZipError(`header starts with 0x${id.toString(16)}`);
  let next = r.byte();
  if (next === K.archiveProperties) {
    for (;;) {
      if (r.byte() === K.end) break;
      r.bytes(r.count('property byte'));
    }
    next = r.byte();
  }
  if (next === K.additionalStreamsInfo) {
    readStreamsInfo(r);
    next = r.byte();
  }
  let streams: StreamsInfo | undefined;
  if (next === K.mainStreamsInfo) {
    streams = readStreamsInfo(r);
    next = r.byte();
  }
  let entries: Entry[] = [];
  if (next === K.filesInfo) {
    entries = readFilesInfo(r, maxEntries);
    next = r.byte();
  }
  if (next !== K.end)
    throw new SevenZipError(`unexpected property 0x${next.toString(16)} in header`);
  return { kind: 'plain', header: { streams, entries } };
}

const METHODS: Record<string, string> = {
  '00': 'Copy',
  '21': 'LZMA2',
  '030101': 'LZMA',
  '040108': 'Deflate',
  '040202': 'BZip2',
  '040109': 'Deflate64',
  '030401': 'PPMd',
  '03': 'Delta',
  '03030103': 'BCJ (x86)',
  '0303011b': 'BCJ2',
  '03030205': 'PowerPC',
  '03030401': 'IA64',
  '03030501': 'ARM',
  '03030701': 'ARM Thumb',
  '03030805': 'SPARC',
  '0a': 'ARM64',
  '06f10701': 'AES-256',
  '04f71101': 'Zstandard',
  '04f71102': 'Brotli',
};

export const AES = '06f10701';

/** A method's name for messages. */
export function methodName(id: string): string {
  return METHODS[id] ?? `method 0x${id}`;
}
