import { createReadStream } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArtifactFile, ArtifactSet } from '@mlwarden/core';
import { InputError } from '@mlwarden/core';
import { safeArtifactPath } from '../client/safe-artifact-path.js';

/** An ArtifactSet over files mlwarden downloaded, with the folder that holds them. */
export interface LocalArtifactSet extends ArtifactSet {
  /** Local folder holding the files. */
  readonly root: string;
  /** Deletes the downloaded files. Reads fail afterwards. */
  dispose(): Promise<void>;
}

async function regularFile(path: string, rel: string): Promise<void> {
  const stat = await lstat(path);
  if (!stat.isFile()) {
    throw new InputError(`"${rel}" is no longer a regular file`, {
      code: 'MLW_MLFLOW_UNSAFE_PATH',
      hint: 'something replaced a downloaded artifact; download it again',
    });
  }
}

/**
 * An ArtifactSet over known files below `root` (paths relative, with `/`). Reads never follow
 * links and are bounded by the caller's range.
 */
export function localArtifactSet(options: {
  root: string;
  source: string;
  files: readonly { path: string; size: number }[];
  dispose?: () => Promise<void>;
}): LocalArtifactSet {
  const files: ArtifactFile[] = options.files.map(({ path, size }) => {
    const rel = safeArtifactPath(path);
    const abs = join(options.root, rel);
    return {
      path: rel,
      size,
      async read(start = 0, end = size) {
        await regularFile(abs, rel);
        const from = Math.max(0, Math.min(start, size));
        const to = Math.max(from, Math.min(end, size));
        const handle = await open(abs, 'r');
        try {
          const buffer = new Uint8Array(to - from);
          let offset = 0;
          while (offset < buffer.length) {
            const { bytesRead } = await handle.read(
              buffer,
              offset,
              buffer.length - offset,
              from + offset,
            );
            if (bytesRead === 0) break;
            offset += bytesRead;
          }
          return buffer.subarray(0, offset);
        } finally {
          await handle.close();
        }
      },
      async *stream(streamOptions = {}) {
        await regularFile(abs, rel);
        const stream = createReadStream(abs, {
          highWaterMark: 1024 * 1024,
          ...(streamOptions.signal !== undefined && { signal: streamOptions.signal }),
        });
        for await (const chunk of stream) yield new Uint8Array(chunk as Buffer);
      },
    };
  });
  const dispose = options.dispose ?? (async () => undefined);
  return {
    source: options.source,
    root: options.root,
    async *files(filesOptions = {}) {
      for (const file of files) {
        filesOptions.signal?.throwIfAborted();
        yield file;
      }
    },
    dispose,
  };
}
