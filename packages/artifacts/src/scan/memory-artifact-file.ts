import type { ArtifactFile } from '@mlwarden/core';

/** An ArtifactFile over bytes already in memory (downloaded artifacts, tests). */
export function memoryArtifactFile(path: string, bytes: Uint8Array): ArtifactFile {
  return {
    path,
    size: bytes.length,
    read: async (start = 0, end = bytes.length) =>
      bytes.subarray(start, Math.min(end, bytes.length)),
    async *stream() {
      for (let at = 0; at < bytes.length; at += 1024 * 1024)
        yield bytes.subarray(at, at + 1024 * 1024);
    },
  };
}
