import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
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
    );
    try {
      const source = await sourceFromReader(basename(file.path), file.size, (s, e) =>
        file.read(s, e),
      );
      await ctx.scan(source, unit, 0);
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

/** An ArtifactFile over a local file, read with positioned reads (never buffered whole). */
export async function localArtifactFile(path: string, relativePath = path): Promise<ArtifactFile> {
  const info = await stat(path);
  const read = async (start = 0, end = info.size): Promise<Uint8Array> => {
    const from = Math.max(0, Math.min(start, info.size));
    const to = Math.max(from, Math.min(end, info.size));
    const handle = await open(path, 'r');
    try {
      const buf = Buffer.allocUnsafe(to - from);
      let got = 0;
      while (got < buf.length) {
        const { bytesRead } = await handle.read(buf, got, buf.length - got, from + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return buf.subarray(0, got);
    } finally {
      await handle.close();
    }
  };
  return {
    path: relativePath,
    size: info.size,
    read,
    stream: (options) =>
      createReadStream(path, {
        highWaterMark: 1024 * 1024,
        ...(options?.signal !== undefined && { signal: options.signal }),
      }) as AsyncIterable<Uint8Array>,
  };
}

/** Scans one local file. */
export async function scanFile(path: string, options: ScanOptions = {}): Promise<ScanResult> {
  return scanArtifactFile(await localArtifactFile(path), options);
}
