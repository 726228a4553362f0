import { localArtifactSet } from '../local-artifact-set.js';
import { type ScanOptions, scanArtifactFile } from './scan-file.js';
import type { ScanResult } from './scan-result.js';

/**
 * Scans files and directories (recursively, see `localArtifactSet`), one result per file, in
 * order. For the `mlwarden scan` command.
 */
export async function scanPaths(
  paths: readonly string[],
  options: ScanOptions = {},
): Promise<ScanResult[]> {
  const results: ScanResult[] = [];
  for (const path of paths) {
    for await (const file of localArtifactSet(path).files(
      options.signal ? { signal: options.signal } : {},
    )) {
      results.push(await scanArtifactFile(file, options));
    }
  }
  return results;
}
