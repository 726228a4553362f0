import { localArtifactSet } from '../local-artifact-set.js';
import { type ScanOptions, scanArtifactFile } from './scan-file.js';
import type { ScanResult } from './scan-result.js';

/** Files scanned at once by default: overlaps file I/O with parsing. */
const DEFAULT_CONCURRENCY = 4;

/**
 * Scans files and directories (recursively, see `localArtifactSet`), one result per file, in
 * order. Up to `options.concurrency` files (default 4) are scanned at once. For the
 * `mlwarden scan` command.
 */
export async function scanPaths(
  paths: readonly string[],
  options: ScanOptions & { concurrency?: number } = {},
): Promise<ScanResult[]> {
  const limit = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  const results: ScanResult[] = [];
  const inflight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  let index = 0;
  for (const path of paths) {
    for await (const file of localArtifactSet(path).files(
      options.signal ? { signal: options.signal } : {},
    )) {
      const at = index++;
      const task: Promise<void> = scanArtifactFile(file, options).then(
        (result) => {
          results[at] = result;
          inflight.delete(task);
        },
        (error: unknown) => {
          failure ??= { error };
          inflight.delete(task);
        },
      );
      inflight.add(task);
      if (inflight.size >= limit) await Promise.race(inflight);
      if (failure !== undefined) break;
    }
    if (failure !== undefined) break;
  }
  await Promise.all(inflight);
  if (failure !== undefined) throw failure.error;
  return results;
}
