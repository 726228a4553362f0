import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ArtifactFile } from '@mlwarden/core';
import type { ClassifyOptions } from '../classify/classify-import.js';
import { defaultHandlers } from '../formats/default-handlers.js';
import type { FormatHandler } from '../formats/format-handler.js';
import { resolveLimits, type ScanLimits } from './limits.js';
import { ScanContext } from './scan-context.js';
import type { ScanResult } from './scan-result.js';
import { ScanUnit } from './scan-unit.js';
import { sourceFromReader } from './source.js';

export interface ScanOptions {
  limits?: Partial<ScanLimits>;
  /** Unlisted imports become high instead of medium. */
  strict?: boolean;
  /** Extra exact `module.name` paths to treat as allowed (your own estimator classes). */
  allow?: readonly string[];
  /** Formats to use instead of the defaults (e.g. the defaults plus your own handler). */
  handlers?: readonly FormatHandler[];
  signal?: AbortSignal;
  /**
   * Read every archive member to its end (checking every CRC) instead of only what the formats
   * need. Default false: tensor storage members are sniffed by their head only.
   */
  deep?: boolean;
}

function classifyOptions(options: ScanOptions): ClassifyOptions {
  return {
    ...(options.strict !== undefined && { strict: options.strict }),
    ...(options.allow !== undefined && { allow: new Set(options.allow) }),
  };
}

/** Scans one artifact file (from any ArtifactSet). Never loads or runs it. */
export async function scanArtifactFile(
  file: ArtifactFile,
  options: ScanOptions = {},
): Promise<ScanResult> {
  const started = performance.now();
  const limits = resolveLimits(options.limits);
  const unit = new ScanUnit(file.path, undefined);
  const outside = (file as { outside?: { target: string } }).outside;
  if (outside !== undefined) {
    unit.report({
      rule: 'path-escape',
      severity: 'medium',
      message: `symlink to ${outside.target}, outside the scanned directory: not followed, so not scanned; a loader following it reads a file from elsewhere`,
      evidence: { target: outside.target },
    });
    unit.incomplete('symlink leads outside the scanned directory; not followed');
  } else if (file.size > limits.maxFileBytes) {
    unit.report({
      rule: 'scan-limit',
      severity: 'low',
      message: `file of ${file.size} bytes is larger than maxFileBytes (${limits.maxFileBytes}); not scanned`,
      evidence: { limit: 'maxFileBytes', value: limits.maxFileBytes },
    });
    unit.incomplete(`larger than maxFileBytes (${limits.maxFileBytes})`);
  } else {
    const ctx = new ScanContext(
      limits,
      options.handlers ?? defaultHandlers,
      classifyOptions(options),
      options.signal,
      { deep: options.deep === true },
    );
    try {
      if (file instanceof LocalFile) {
        await withLocalReader(file, async (read) => {
          await ctx.scan(await sourceFromReader(basename(file.path), file.size, read), unit, 0);
        });
      } else {
        const source = await sourceFromReader(basename(file.path), file.size, (s, e) =>
          file.read(s, e),
        );
        await ctx.scan(source, unit, 0);
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      unit.report({
        rule: 'unreadable',
        severity: 'low',
        message: `could not read the file: ${message}`,
      });
      unit.error(`could not read the file: ${message}`);
    }
  }
  return {
    path: file.path,
    size: file.size,
    files: unit.verdicts(),
    findings: unit.allFindings(),
    verdict: unit.verdict(),
    maxSeverity: unit.maxSeverity(),
    reasons: unit.allReasons(),
    durationMs: Math.round(performance.now() - started),
  };
}

/**
 * Files up to this size are read whole, with one synchronous read, the first time any part is
 * needed: for small files the open/read/close round trips through the thread pool cost more than
 * scanning them, and a few hundred KiB from the page cache block the event loop for microseconds.
 */
export const WHOLE_FILE_BYTES = 256 * 1024;

async function readInto(
  handle: FileHandle,
  size: number,
  start: number,
  end: number,
): Promise<Uint8Array> {
  const from = Math.max(0, Math.min(start, size));
  const to = Math.max(from, Math.min(end, size));
  const buf = Buffer.allocUnsafe(to - from);
  let got = 0;
  while (got < buf.length) {
    const { bytesRead } = await handle.read(buf, got, buf.length - got, from + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return buf.subarray(0, got);
}

/** The first `size` bytes of a file (fewer if it shrank), with one synchronous read. */
function readWhole(path: string, size: number): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    // The size is known from the stat: no second stat, no growing buffer (as readFileSync has).
    const buf = Buffer.allocUnsafe(size);
    let got = 0;
    while (got < size) {
      const n = readSync(fd, buf, got, size - got, got);
      if (n === 0) break;
      got += n;
    }
    // A plain view, not a Buffer: the scan slices it thousands of times, and a Buffer's
    // subarray goes through a slower wrapper.
    return new Uint8Array(buf.buffer, buf.byteOffset, got);
  } finally {
    closeSync(fd);
  }
}

/**
 * Positioned reads of a local file for the duration of one scan: small files are read whole with
 * one synchronous read, larger ones through one handle opened on first use.
 */
async function withLocalReader<T>(
  local: LocalFile,
  body: (read: (start: number, end: number) => Promise<Uint8Array>) => Promise<T>,
): Promise<T> {
  if (local.size <= WHOLE_FILE_BYTES) {
    let whole: Uint8Array | undefined;
    return body(async (start, end) => {
      whole ??= local.takeAhead() ?? readWhole(local.localPath, local.size);
      return whole.subarray(Math.max(0, start), Math.max(0, Math.min(end, whole.length)));
    });
  }
  let handle: Promise<FileHandle> | undefined;
  try {
    return await body(async (start, end) => {
      handle ??= open(local.localPath, 'r');
      return readInto(await handle, local.size, start, end);
    });
  } finally {
    if (handle !== undefined) await (await handle.catch(() => undefined))?.close();
  }
}

/**
 * An ArtifactFile over a local file, read with positioned reads (never buffered whole). A class, so
 * a scan recognises it and keeps one handle open (or reads a small file once) for all its reads.
 */
class LocalFile implements ArtifactFile {
  constructor(
    /** Where the file is on disk. */
    readonly localPath: string,
    readonly path: string,
    readonly size: number,
  ) {}

  /** The whole content when read ahead (`readAhead`), until a scan takes it. */
  #ahead: Uint8Array | undefined;

  /** Reads the whole file now; if that fails, the scan reads it (and reports why it cannot). */
  readAhead(): void {
    try {
      this.#ahead = readWhole(this.localPath, this.size);
    } catch {
      this.#ahead = undefined;
    }
  }

  /** The content read ahead, once. */
  takeAhead(): Uint8Array | undefined {
    const ahead = this.#ahead;
    this.#ahead = undefined;
    return ahead;
  }

  // Own properties, not methods: a copy made with `{ ...file }` keeps them (and is no LocalFile).
  readonly read = async (start = 0, end = this.size): Promise<Uint8Array> => {
    const handle = await open(this.localPath, 'r');
    try {
      return await readInto(handle, this.size, start, end);
    } finally {
      await handle.close();
    }
  };

  readonly stream = (options?: { signal?: AbortSignal }): AsyncIterable<Uint8Array> =>
    createReadStream(this.localPath, {
      highWaterMark: 1024 * 1024,
      ...(options?.signal !== undefined && { signal: options.signal }),
    }) as AsyncIterable<Uint8Array>;
}

/** An ArtifactFile over a local file, read with positioned reads (never buffered whole). */
export async function localArtifactFile(path: string, relativePath = path): Promise<ArtifactFile> {
  // Synchronous: a stat answers from the inode cache in microseconds, far less than a round trip
  // through the thread pool, which dominated scans of many small files.
  return new LocalFile(path, relativePath, statSync(path).size);
}

/**
 * Reads the local files among `files` that a scan reads whole, one after another, before they are
 * scanned: reads in a row cost less than reads between scans. A file that cannot be read now is
 * left for its scan to read (and report).
 */
export function readAhead(files: readonly ArtifactFile[]): void {
  for (const file of files) {
    if (file instanceof LocalFile && file.size <= WHOLE_FILE_BYTES) file.readAhead();
  }
}

/** Scans one local file. */
export async function scanFile(path: string, options: ScanOptions = {}): Promise<ScanResult> {
  return scanArtifactFile(await localArtifactFile(path), options);
}
