import { crc32 } from 'node:zlib';
import { inMemory, memoryChunks } from '../io/_byte-reader.js';
import type { ScanContext } from '../scan/scan-context.js';
import type { ScanUnit } from '../scan/scan-unit.js';
import {
  type Source,
  sourceFromBytes,
  sourceFromReader,
  sourceFromStreamFactory,
} from '../scan/source.js';
import {
  hasZipDirectory,
  memberContent,
  readZipDirectory,
  type ZipAnomaly,
  type ZipEntry,
  zipDirectoryIn,
} from '../zip/_zip-reader.js';
import {
  checkStorageSizes,
  collectStorages,
  isTorchLayout,
  type StorageRef,
  TORCH_PICKLE,
} from './_torch-storages.js';
import type { FormatHandler } from './format-handler.js';

const TORCHSCRIPT_CODE = /(^|\/)code\/.*\.py$/;

function reportAnomalies(unit: ScanUnit, anomalies: readonly ZipAnomaly[]): void {
  const byKind = new Map<string, ZipAnomaly[]>();
  for (const a of anomalies) byKind.set(a.kind, [...(byKind.get(a.kind) ?? []), a]);
  for (const [kind, list] of byKind) {
    const first = list[0] as ZipAnomaly;
    unit.report({
      rule: 'archive-anomaly',
      severity: 'low',
      message: `zip ${kind}: ${first.message}${list.length > 1 ? ` (and ${list.length - 1} more)` : ''}`,
      evidence: {
        anomaly: kind,
        occurrences: list.length,
        members: list.flatMap((a) => (a.member === undefined ? [] : [a.member])).slice(0, 10),
      },
    });
  }
}

/** Wraps a source so that reading it completely from the start checks the member's CRC-32. */
function withCrcCheck(
  source: Source,
  expected: number,
  onMismatch: (actual: number) => void,
): Source {
  const check = (crc: number) => {
    if (crc >>> 0 !== expected) onMismatch(crc >>> 0);
  };
  async function* checked(chunks: AsyncIterable<Uint8Array>) {
    let crc = 0;
    for await (const chunk of chunks) {
      crc = crc32(chunk, crc);
      yield chunk;
    }
    check(crc);
  }
  return {
    ...source,
    stream(start = 0) {
      const chunks = source.stream(start);
      if (start !== 0) return chunks;
      // Content in memory stays readable in place; the CRC is checked at the same moment, when
      // the reader asks for more after the last byte.
      const memory = inMemory(chunks);
      if (memory !== undefined && memory.onEnd === undefined) {
        return memoryChunks(memory.bytes, memory.chunkSize, () => check(crc32(memory.bytes)));
      }
      return checked(chunks);
    },
  };
}

/** Stored members up to this size, in an archive in memory, are read in place (as a source would). */
const WHOLE_MEMBER_BYTES = 1024 * 1024;

async function memberSource(
  read: (s: number, e: number) => Promise<Uint8Array>,
  size: number,
  /** The whole archive, when it is in memory. */
  whole: Uint8Array | undefined,
  entry: ZipEntry,
  child: ScanUnit,
  ctx: ScanContext,
): Promise<Source> {
  const encrypted = (entry.flags & 0x1) !== 0;
  const crcProblem = (actual: number) => {
    if (encrypted) {
      child.report({
        rule: 'encrypted-member',
        severity: 'medium',
        message:
          'the member is encrypted (flag bit 0, and its bytes do not match the CRC as plaintext); it cannot be scanned',
      });
      child.incomplete('encrypted member');
    } else {
      child.report({
        rule: 'archive-anomaly',
        severity: 'low',
        message: `CRC-32 mismatch: directory says ${entry.crc.toString(16)}, content is ${actual.toString(16)} (PyTorch loads it anyway)`,
        evidence: { anomaly: 'crc-mismatch' },
      });
    }
  };
  if (entry.method === 0) {
    const end = Math.min(size, entry.dataOffset + entry.compressedSize);
    const length = Math.max(0, end - entry.dataOffset);
    if (!ctx.spendDecompressed(0)) child.incomplete('decompression budget exhausted');
    // A small archive is in memory whole: its stored members are views of it.
    const inner =
      whole !== undefined && length <= WHOLE_MEMBER_BYTES
        ? sourceFromBytes(entry.name, whole.subarray(entry.dataOffset, entry.dataOffset + length))
        : await sourceFromReader(entry.name, length, (s, e) =>
            read(entry.dataOffset + s, entry.dataOffset + Math.min(e, length)),
          );
    return withCrcCheck(inner, entry.crc, crcProblem);
  }
  const ratioCap = Math.max(1024 * 1024, entry.compressedSize * ctx.limits.maxCompressionRatio);
  return sourceFromStreamFactory(
    entry.name,
    async function* () {
      for await (const chunk of memberContent(read, size, entry, {
        maxBytes: ratioCap,
        onLimit: (reason) => {
          child.report({
            rule: 'scan-limit',
            severity: 'low',
            message: `${reason} (maxCompressionRatio ${ctx.limits.maxCompressionRatio}); the rest was not scanned`,
            evidence: { limit: 'maxCompressionRatio' },
          });
          child.incomplete(reason);
        },
        onError: (reason) => {
          if (encrypted) {
            crcProblem(0);
            return;
          }
          child.report({
            rule: 'archive-anomaly',
            severity: 'low',
            message: reason,
            evidence: { anomaly: 'corrupt-data' },
          });
          child.incomplete(reason);
        },
        onEnd: (crc) => {
          if (crc !== entry.crc) crcProblem(crc);
        },
      })) {
        if (!ctx.spendDecompressed(chunk.length)) {
          child.incomplete(
            `more than maxDecompressedBytes (${ctx.limits.maxDecompressedBytes}) decompressed`,
          );
          return;
        }
        yield chunk;
      }
    },
    entry.size,
  );
}

/** PyTorch's `byteorder` member must say `little` or `big`; anything else is tampering. */
async function checkByteorder(
  read: (s: number, e: number) => Promise<Uint8Array>,
  size: number,
  whole: Uint8Array | undefined,
  entries: readonly ZipEntry[],
  unit: ScanUnit,
): Promise<void> {
  const entry = entries.find((e) => /(^|\/)byteorder$/.test(e.name));
  if (entry === undefined || entry.size > 64) return;
  let bytes: Uint8Array;
  if (whole !== undefined && entry.method === 0) {
    // Stored, in memory: the first 64 bytes of its data, as memberContent would give them.
    const end = Math.min(size, entry.dataOffset + entry.compressedSize);
    bytes = whole.subarray(
      entry.dataOffset,
      Math.max(entry.dataOffset, Math.min(end, entry.dataOffset + 64)),
    );
  } else {
    const chunks: Uint8Array[] = [];
    for await (const c of memberContent(read, size, entry, {
      maxBytes: 64,
      onLimit: () => undefined,
      onError: () => undefined,
    })) {
      chunks.push(c);
    }
    bytes = Buffer.concat(chunks);
  }
  const value = new TextDecoder().decode(bytes);
  if (value !== 'little' && value !== 'big') {
    unit.report({
      rule: 'archive-anomaly',
      severity: 'low',
      message: `PyTorch byteorder member says ${JSON.stringify(value.slice(0, 20))}, not "little" or "big"`,
      evidence: { anomaly: 'byteorder' },
    });
  }
}

/**
 * A member with the "encrypted" flag is read anyway (PyTorch ignores the flag): it is plaintext
 * when it decompresses and matches its CRC.
 */
async function plaintextDespiteFlag(
  read: (s: number, e: number) => Promise<Uint8Array>,
  size: number,
  entry: ZipEntry,
  ctx: ScanContext,
): Promise<boolean> {
  let crc: number | undefined;
  let failed = false;
  const cap = Math.max(1024 * 1024, entry.compressedSize * ctx.limits.maxCompressionRatio);
  for await (const _ of memberContent(read, size, entry, {
    maxBytes: cap,
    onLimit: () => {
      failed = true;
    },
    onError: () => {
      failed = true;
    },
    onEnd: (value) => {
      crc = value;
    },
  })) {
    // only the CRC matters here
  }
  return !failed && crc === entry.crc;
}

/**
 * Zip archives (PyTorch `.pt/.pth/.bin`, NumPy `.npz`, nested archives) read with mlwarden's own
 * reader: central directory plus a sweep of local headers, tolerant of bad CRCs, odd flags,
 * name mismatches and prepended data, all reported as anomalies. Every member is scanned by
 * content, whatever its name.
 */
export const zipFormat: FormatHandler = {
  format: 'zip',
  sniff(source) {
    const h = source.head;
    if (
      h.length >= 4 &&
      h[0] === 0x50 &&
      h[1] === 0x4b &&
      ((h[2] === 3 && h[3] === 4) || (h[2] === 5 && h[3] === 6))
    ) {
      return 'start';
    }
    if (source.read !== undefined && source.size !== undefined && source.size >= 22) {
      // Content that fits in its head is searched there, without a read (or a promise).
      if (h.length === source.size) return zipDirectoryIn(h) ? 'elsewhere' : false;
      return hasZipDirectory(source.read, source.size).then((found) =>
        found ? 'elsewhere' : false,
      );
    }
    return false;
  },
  async scan(source, unit, ctx, depth) {
    const src = await ctx.buffer(source, unit, 'zip archive');
    if (src?.read === undefined || src.size === undefined) return;
    const read = src.read;
    const size = src.size;
    const whole = inMemory(src.stream(0))?.bytes;
    const dir = await readZipDirectory(read, size, ctx.limits.maxEntries);
    for (const problem of dir.problems) {
      unit.report({
        rule: 'archive-anomaly',
        severity: 'low',
        message: `zip: ${problem}`,
        evidence: { anomaly: 'damaged' },
      });
      unit.incomplete(`zip: ${problem}`);
    }
    reportAnomalies(unit, dir.anomalies);
    if (dir.zip64) unit.addFormat('zip64');
    const names = dir.entries.map((e) => e.name);
    const torch = isTorchLayout(names);
    if (torch) {
      unit.addFormat('pytorch-zip');
      await checkByteorder(read, size, whole, dir.entries, unit);
    }
    const code = names.filter((n) => TORCHSCRIPT_CODE.test(n));
    if (code.length > 0) {
      unit.report({
        rule: 'torchscript-code',
        severity: 'medium',
        message: `TorchScript archive with ${code.length} code file(s) that run on torch.jit.load`,
        evidence: { files: code.slice(0, 10) },
      });
    }
    if (dir.entries.length === 0 && dir.problems.length > 0) {
      unit.error('zip directory unreadable and no member found');
      return;
    }
    const storageChecks: [string, ScanUnit, StorageRef[]][] = [];
    const sizes = new Map(dir.entries.map((e) => [e.name, e.size]));
    for (const entry of dir.entries) {
      if (ctx.expired()) {
        unit.incomplete('time limit reached (maxTimeMs) or scan cancelled');
        return;
      }
      if (entry.name.endsWith('/') && entry.size === 0) continue;
      const child = unit.child(entry.name);
      if (entry.method !== 0 && entry.method !== 8) {
        child.addFormat('zip-member');
        child.report({
          rule: 'archive-anomaly',
          severity: 'low',
          message: `compression method ${entry.method} is not supported; member not scanned`,
          evidence: { anomaly: 'unsupported-method', method: entry.method },
        });
        child.incomplete(`compression method ${entry.method} not supported`);
        continue;
      }
      if ((entry.flags & 0x1) !== 0 && !(await plaintextDespiteFlag(read, size, entry, ctx))) {
        child.addFormat('zip-member');
        child.report({
          rule: 'encrypted-member',
          severity: 'medium',
          message:
            'the member is encrypted (flag bit 0 set and its bytes are not plaintext matching the CRC); it cannot be scanned',
        });
        child.incomplete('encrypted member');
        continue;
      }
      if (torch && TORCH_PICKLE.test(entry.name)) {
        child.hints.persistentIds = true;
        storageChecks.push([entry.name, child, collectStorages(child)]);
      }
      if (code.length > 0 && /\.pkl$|debug_pkl$/.test(entry.name)) {
        // TorchScript's own unpickler resolves these names, not Python's import system.
        child.hints.torchscript = true;
        child.hints.persistentIds = true;
      }
      const member = await memberSource(read, size, whole, entry, child, ctx);
      await ctx.scan(member, child, depth + 1);
    }
    for (const [name, child, storages] of storageChecks)
      checkStorageSizes(child, name, storages, (n) => sizes.get(n));
  },
};
