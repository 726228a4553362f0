import { Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import { bcjX86Decode } from '../decompress/_bcj-x86.js';
import { Bzip2Decoder } from '../decompress/_bzip2.js';
import { decodeStream } from '../decompress/_incremental.js';
import { Lzma2Decoder, lzmaRawDecoder } from '../decompress/_lzma.js';
import type { ScanContext } from '../scan/scan-context.js';
import type { ScanUnit } from '../scan/scan-unit.js';
import { type Source, sourceFromBytes, sourceFromStreamFactory } from '../scan/source.js';
import {
  AES,
  type Coder,
  type Folder,
  findStartHeader,
  folderSize,
  isSevenZip,
  locateStartHeader,
  methodName,
  parseHeader,
  readSignatureHeader,
  SevenZipError,
  type StreamsInfo,
  searchesPastHead,
} from './_7z-header.js';
import {
  checkStorageSizes,
  collectStorages,
  isTorchLayout,
  type StorageRef,
  TORCH_PICKLE,
} from './_torch-storages.js';
import type { FormatHandler } from './format-handler.js';

/** Largest 7z header read (packed or unpacked). */
export const MAX_7Z_HEADER_BYTES = 64 * 1024 * 1024;
/** Headers packed inside headers: 7-Zip writes one level. */
const MAX_HEADER_LEVELS = 4;
/** Folders up to this size are decoded once into memory and shared by their files. */
const FOLDER_CACHE_BYTES = 64 * 1024 * 1024;
const READ_CHUNK = 1024 * 1024;
const DECODED = new Set(['00', '21', '030101', '040108', '040202', '03030103']);

type Step = { coder: Coder; size: number };
type Plan = { ok: true; chain: Step[] } | { ok: false; encrypted: boolean; why: string };

/**
 * The coders of a folder in the order they decode (packed stream first), when each has one input
 * and one output and this scanner implements it; otherwise why the folder cannot be decoded.
 */
function plan(folder: Folder): Plan {
  const names = folder.coders.map((c) => methodName(c.id));
  if (folder.coders.some((c) => c.id === AES))
    return { ok: false, encrypted: true, why: `encrypted (${names.join(' + ')})` };
  const unsupported: Plan = {
    ok: false,
    encrypted: false,
    why: `${names.join(' + ')} is not supported`,
  };
  const simple = folder.coders.every((c) => c.inStreams === 1 && c.outStreams === 1);
  if (!simple || folder.packedStreams !== 1 || folder.coders.some((c) => !DECODED.has(c.id)))
    return unsupported;
  // With one input and one output per coder, coder i reads input i and writes output i.
  const chain: Step[] = [];
  let at: number | undefined = folder.mainOut;
  while (at !== undefined) {
    const coder = folder.coders[at];
    if (coder === undefined || chain.length >= folder.coders.length) return unsupported;
    chain.unshift({ coder, size: folder.unpackSizes[at] ?? 0 });
    const index: number = at;
    at = folder.bindPairs.find((b) => b.inIndex === index)?.outIndex;
  }
  if (chain.length !== folder.coders.length) return unsupported;
  return { ok: true, chain };
}

async function* packed(
  read: (s: number, e: number) => Promise<Uint8Array>,
  start: number,
  size: number,
): AsyncIterable<Uint8Array> {
  for (let at = 0; at < size; at += READ_CHUNK) {
    const chunk = await read(start + at, start + Math.min(size, at + READ_CHUNK));
    if (chunk.length === 0) return;
    yield chunk;
  }
}

function decoded(
  input: AsyncIterable<Uint8Array>,
  coder: Coder,
  size: number,
): AsyncIterable<Uint8Array> {
  switch (coder.id) {
    case '03030103':
      return bcjX86Decode(input);
    case '21':
      return decodeStream(input, new Lzma2Decoder(coder.props[0] ?? 0xff));
    case '030101':
      return decodeStream(input, lzmaRawDecoder(coder.props, size));
    case '040108':
      return Readable.from(input).pipe(createInflateRaw()) as AsyncIterable<Uint8Array>;
    case '040202':
      return decodeStream(input, new Bzip2Decoder());
    default:
      return input;
  }
}

/** One folder (a solid block) of the archive: its packed bytes and how to decode them. */
class FolderData {
  private cache: Promise<{ bytes: Uint8Array; problem?: string }> | undefined;
  readonly size: number;
  /** Bytes decoded at most: the declared size, capped by the compression ratio. */
  readonly cap: number;

  constructor(
    private readonly read: (s: number, e: number) => Promise<Uint8Array>,
    private readonly packStart: number,
    readonly packSize: number,
    readonly plan: Plan,
    folder: Folder,
    private readonly ctx: ScanContext,
  ) {
    this.size = folderSize(folder);
    this.cap = Math.min(
      this.size,
      Math.max(1024 * 1024, packSize * ctx.limits.maxCompressionRatio),
    );
  }

  /**
   * Decoded bytes from `offset`, `length` of them at most, within the cap and the decompression
   * budget; `onProblem` hears why the stream stopped early.
   */
  async *range(
    offset: number,
    length: number,
    onProblem: (why: string) => void,
  ): AsyncIterable<Uint8Array> {
    if (!this.plan.ok) return;
    const end = Math.min(offset + length, this.cap);
    let pos = 0;
    try {
      let stream = packed(this.read, this.packStart, this.packSize);
      for (const step of this.plan.chain) stream = decoded(stream, step.coder, step.size);
      for await (const chunk of stream) {
        if (!this.ctx.spendDecompressed(chunk.length)) {
          onProblem(
            `more than maxDecompressedBytes (${this.ctx.limits.maxDecompressedBytes}) decompressed`,
          );
          return;
        }
        const from = Math.max(0, offset - pos);
        const to = Math.min(chunk.length, end - pos);
        pos += chunk.length;
        if (to > from) yield chunk.subarray(from, to);
        if (pos >= end) break;
      }
    } catch (error) {
      onProblem(
        `${this.plan.chain.map((c) => methodName(c.coder.id)).join(' + ')} data is corrupt: ${error instanceof Error ? error.message : String(error)}`,
      );
      return;
    }
    if (pos < end) onProblem(`folder data ends after ${pos} of ${this.size} bytes`);
    else if (end < offset + length)
      onProblem(
        `folder expands more than ${this.ctx.limits.maxCompressionRatio} times (maxCompressionRatio)`,
      );
  }

  /** The whole decoded folder, once (small folders shared by many files). */
  whole(): Promise<{ bytes: Uint8Array; problem?: string }> {
    this.cache ??= (async () => {
      const chunks: Uint8Array[] = [];
      let problem: string | undefined;
      for await (const c of this.range(0, this.size, (why) => {
        problem = why;
      })) {
        chunks.push(c);
      }
      const bytes = Buffer.concat(chunks);
      return problem === undefined ? { bytes } : { bytes, problem };
    })();
    return this.cache;
  }
}

function folderData(
  read: (s: number, e: number) => Promise<Uint8Array>,
  streams: StreamsInfo,
  ctx: ScanContext,
): FolderData[] {
  let packIndex = 0;
  let packStart = 32 + streams.packPos;
  return streams.folders.map((folder) => {
    let packSize = 0;
    const start = packStart;
    for (let i = 0; i < folder.packedStreams; i++) {
      const s = streams.packSizes[packIndex++] ?? 0;
      packSize += s;
      packStart += s;
    }
    return new FolderData(read, start, packSize, plan(folder), folder, ctx);
  });
}

function anomaly(unit: ScanUnit, kind: string, message: string): void {
  unit.report({
    rule: 'archive-anomaly',
    severity: 'low',
    message: `7z ${kind}: ${message}`,
    evidence: { anomaly: kind },
  });
}

/** Reports why a folder cannot be decoded on `unit` (the archive or one of its files). */
function undecodable(unit: ScanUnit, p: Exclude<Plan, { ok: true }>, what: string): void {
  if (p.encrypted) {
    unit.report({
      rule: 'encrypted-member',
      severity: 'medium',
      message: `${what} is ${p.why}; it cannot be scanned`,
    });
    unit.incomplete(`${what} encrypted`);
  } else {
    unit.report({
      rule: 'archive-anomaly',
      severity: 'low',
      message: `7z ${what}: ${p.why}; not scanned`,
      evidence: { anomaly: 'unsupported-method' },
    });
    unit.incomplete(`7z ${what}: ${p.why}`);
  }
}

/** The archive's header, unpacking encoded headers; undefined (unit told why) when unreadable. */
async function readHeader(
  read: (s: number, e: number) => Promise<Uint8Array>,
  size: number,
  unit: ScanUnit,
  ctx: ScanContext,
) {
  const sig = readSignatureHeader(await read(0, 32));
  if (sig.headerSize === 0) return { streams: undefined, entries: [] };
  if (sig.headerSize > MAX_7Z_HEADER_BYTES) {
    unit.report({
      rule: 'scan-limit',
      severity: 'low',
      message: `7z header of ${sig.headerSize} bytes is larger than ${MAX_7Z_HEADER_BYTES}`,
      evidence: { limit: '7z-header' },
    });
    unit.incomplete(`7z header larger than ${MAX_7Z_HEADER_BYTES} bytes`);
    return undefined;
  }
  if (sig.headerOffset + sig.headerSize > size) {
    anomaly(unit, 'truncated', `the header (at ${sig.headerOffset}) lies past the end of the file`);
    unit.incomplete('7z archive truncated: its header is missing');
    return undefined;
  }
  let bytes = await read(sig.headerOffset, sig.headerOffset + sig.headerSize);
  for (let level = 0; ; level++) {
    const parsed = parseHeader(bytes, ctx.limits.maxEntries);
    if (parsed.kind === 'plain') return parsed.header;
    if (level >= MAX_HEADER_LEVELS) {
      anomaly(unit, 'nested-header', `header packed more than ${MAX_HEADER_LEVELS} times`);
      unit.incomplete(`7z header packed more than ${MAX_HEADER_LEVELS} times`);
      return undefined;
    }
    const folder = folderData(read, parsed.streams, ctx)[0];
    if (folder === undefined) throw new SevenZipError('encoded header without a folder');
    if (!folder.plan.ok) {
      undecodable(unit, folder.plan, 'archive header');
      return undefined;
    }
    if (folder.size > MAX_7Z_HEADER_BYTES) {
      unit.incomplete(`7z header unpacks to more than ${MAX_7Z_HEADER_BYTES} bytes`);
      return undefined;
    }
    const { bytes: unpacked, problem } = await folder.whole();
    if (problem !== undefined) {
      anomaly(unit, 'corrupt-header', problem);
      unit.incomplete(`7z header: ${problem}`);
      return undefined;
    }
    bytes = unpacked;
  }
}

/** `ustar`, at offset 257 of a POSIX tar header. */
const USTAR = [0x75, 0x73, 0x74, 0x61, 0x72];

/**
 * Containers whose own handler scans a 7z stored in them as a member (zip, tar): a 7z found inside
 * is not also taken for one with data prepended.
 */
function hasOwnMembers(head: Uint8Array): boolean {
  const zip = head[0] === 0x50 && head[1] === 0x4b && head[2] === 3 && head[3] === 4;
  const tar = USTAR.every((b, i) => head[257 + i] === b);
  return zip || tar;
}

/**
 * 7z archives (nullifAI shipped PyTorch archives as 7z, bypass B8): the header is parsed (plain
 * or LZMA/LZMA2-packed), files are decoded in memory or as bounded streams (Copy, LZMA, LZMA2,
 * Deflate, BZip2) and scanned by content like zip members. Encrypted or otherwise undecodable
 * files are `incomplete` with the reason, never clean. Nothing is extracted to disk. An archive
 * after prepended data (a self-extracting stub; a valid start header in the head, or within the
 * first 4 MiB after an executable's header) is scanned there and reported as an `archive-anomaly`.
 */
export const sevenZipFormat: FormatHandler = {
  format: '7z',
  sniff(source) {
    if (isSevenZip(source.head)) return 'start';
    if (hasOwnMembers(source.head)) return false;
    // Most content is searched in its head only, synchronously (no promise per file).
    if (findStartHeader(source.head, 1) > 0) return 'elsewhere';
    if (!searchesPastHead(source.head, source.size, source.read)) return false;
    return locateStartHeader(source.head, source.size, source.read).then((at) =>
      at > 0 ? 'elsewhere' : false,
    );
  },
  async scan(source, unit, ctx, depth) {
    const src = await ctx.buffer(source, unit, '7z archive');
    if (src?.read === undefined || src.size === undefined) return;
    let read = src.read;
    let size = src.size;
    if (!isSevenZip(src.head)) {
      const base = await locateStartHeader(src.head, src.size, src.read);
      if (base <= 0) return;
      // Offsets in the archive count from its signature header, as 7-Zip reads a self-extractor.
      const whole = src.read;
      read = (start, end) => whole(base + start, base + end);
      size -= base;
      unit.report({
        rule: 'archive-anomaly',
        severity: 'low',
        message: `7z prepended-data: the archive starts at offset ${base}, after ${base} bytes of other data (a self-extracting stub?); 7-Zip opens it there`,
        offset: base,
        evidence: { anomaly: 'prepended-data', offset: base },
      });
    }
    let header: Awaited<ReturnType<typeof readHeader>>;
    try {
      header = await readHeader(read, size, unit, ctx);
    } catch (error) {
      if (!(error instanceof SevenZipError)) throw error;
      anomaly(unit, 'damaged', `header unreadable: ${error.message}`);
      unit.incomplete(`7z header unreadable: ${error.message}`);
      return;
    }
    if (header === undefined) return;
    const folders = header.streams === undefined ? [] : folderData(read, header.streams, ctx);
    const files: { name: string; folder: FolderData; offset: number; size: number }[] = [];
    const withStream = header.entries.filter((e) => e.hasStream);
    let next = 0;
    folders.forEach((folder, i) => {
      let offset = 0;
      for (const size of header.streams?.substreams[i] ?? []) {
        const entry = withStream[next++];
        if (entry !== undefined) files.push({ name: entry.name, folder, offset, size });
        offset += size;
      }
    });
    if (next !== withStream.length)
      anomaly(unit, 'file-count', `${withStream.length} files with data, ${next} data streams`);
    const names = header.entries.map((e) => e.name);
    const torch = isTorchLayout(names);
    if (torch) unit.addFormat('pytorch-7z');
    const storageChecks: [string, ScanUnit, StorageRef[]][] = [];
    for (const f of files) {
      if (ctx.expired()) {
        unit.incomplete('time limit reached (maxTimeMs) or scan cancelled');
        return;
      }
      if (f.name.startsWith('/') || f.name.split(/[\\/]/).includes('..'))
        anomaly(unit, 'path-traversal', `file name ${JSON.stringify(f.name)} escapes the archive`);
      const child = unit.child(f.name);
      if (!f.folder.plan.ok) {
        child.addFormat('7z-member');
        undecodable(child, f.folder.plan, 'file');
        continue;
      }
      if (f.size === 0) continue;
      let told = false;
      const problem = (why: string) => {
        if (!told) anomaly(child, 'incomplete-data', why);
        told = true;
        child.incomplete(why);
      };
      let member: Source;
      if (f.folder.size <= Math.min(FOLDER_CACHE_BYTES, ctx.limits.maxBufferedBytes)) {
        const whole = await f.folder.whole();
        const bytes = whole.bytes.subarray(f.offset, f.offset + f.size);
        if (bytes.length < f.size) problem(whole.problem ?? 'folder data ends early');
        if (bytes.length === 0) continue;
        member = sourceFromBytes(f.name, bytes);
      } else {
        const folder = f.folder;
        member = await sourceFromStreamFactory(
          f.name,
          () => folder.range(f.offset, f.size, problem),
          f.size,
        );
      }
      if (torch && TORCH_PICKLE.test(f.name)) {
        child.hints.persistentIds = true;
        storageChecks.push([f.name, child, collectStorages(child)]);
      }
      await ctx.scan(member, child, depth + 1);
    }
    const sizes = new Map(files.map((f) => [f.name, f.size]));
    for (const [name, child, storages] of storageChecks)
      checkStorageSizes(child, name, storages, (n) => sizes.get(n));
  },
};
