import type { ArtifactFile } from '@mlwarden/core';
import { SmallFileLane } from './_small-file-lane.js';
import { type ScanOptions, scanArtifactFile, WHOLE_FILE_BYTES } from './scan-file.js';
import type { ScanResult } from './scan-result.js';

/** Files scanned at once by default: overlaps the reads of large files with parsing. */
export const DEFAULT_CONCURRENCY = 4;

/**
 * Scans files as an iterator yields them, one result per file, in order. Up to `limit` files are
 * scanned at once; files small enough to be read whole with one synchronous read are scanned one
 * after another, since they wait on no I/O that another scan could overlap (interleaving them only
 * costs time). The first error (from the iterator or a scan) stops it after the scans under way.
 */
export async function scanFiles(
  files: AsyncIterator<ArtifactFile> | Iterator<ArtifactFile>,
  options: ScanOptions,
  limit = DEFAULT_CONCURRENCY,
  /** Shared by calls that run at once on one thread, so that their small files take turns too. */
  lane = new SmallFileLane(),
): Promise<ScanResult[]> {
  const results: ScanResult[] = [];
  let failure: { error: unknown } | undefined;
  let next = 0;
  // `limit` loops share one iterator, each scanning the next file it yields.
  const loop = async (): Promise<void> => {
    try {
      while (failure === undefined) {
        const item = await files.next();
        if (item.done === true) return;
        const at = next++;
        results[at] =
          item.value.size <= WHOLE_FILE_BYTES
            ? await lane.run(() => scanArtifactFile(item.value, options))
            : await scanArtifactFile(item.value, options);
      }
    } catch (error) {
      failure ??= { error };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, loop));
  await files.return?.(undefined);
  if (failure !== undefined) throw failure.error;
  return results;
}
