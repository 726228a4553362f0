import type { ArtifactFile, ArtifactSet } from '@mlwarden/core';

/** An ArtifactSet over in-memory files, for check tests. */
export function memoryArtifacts(
  source: string,
  files: Record<string, string | Uint8Array>,
  extra: Record<string, unknown> = {},
): ArtifactSet {
  const list: ArtifactFile[] = Object.entries(files).map(([path, content]) => {
    const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
    return {
      path,
      size: bytes.length,
      read: async (start = 0, end = bytes.length) => bytes.slice(start, end),
      async *stream() {
        yield bytes;
      },
    };
  });
  return {
    source,
    async *files() {
      yield* list;
    },
    ...extra,
  };
}
