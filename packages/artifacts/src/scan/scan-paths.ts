import type { ArtifactFile } from '@mlwarden/core';
import { localArtifactSet } from '../local-artifact-set.js';
import { DEFAULT_CONCURRENCY, scanFiles } from './_scan-files.js';
import type { ScanOptions } from './scan-file.js';
import type { ScanResult } from './scan-result.js';

/**
 * Scans files and directories (recursively, see `localArtifactSet`), one result per file, in
 * order. Up to `options.concurrency` files (default 4) are scanned at once; small files, read
 * whole, one after another (see `scanFiles`). For many scans of many files, `createScanPool`
 * spreads them over threads.
 */
export async function scanPaths(
  paths: readonly string[],
  options: ScanOptions & { concurrency?: number } = {},
): Promise<ScanResult[]> {
  const signal = options.signal;
  async function* all(): AsyncGenerator<ArtifactFile> {
    for (const path of paths) yield* localArtifactSet(path).files(signal ? { signal } : {});
  }
  return scanFiles(all(), options, options.concurrency ?? DEFAULT_CONCURRENCY);
}
