import { constants } from 'node:fs';
import { lstat, mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '@mlwarden/core';

/**
 * Creates the parent folders of `relPath` inside `root`, one by one, refusing to pass through
 * anything that is not a real folder (a symlink planted there, a file). `relPath` must already
 * be a safe artifact path.
 */
async function ensureParents(root: string, relPath: string): Promise<void> {
  const segments = relPath.split('/').slice(0, -1);
  let current = root;
  for (const segment of segments) {
    current = join(current, segment);
    try {
      await mkdir(current, { mode: 0o700 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const stat = await lstat(current);
      if (!stat.isDirectory()) {
        throw new InputError(`cannot write artifact "${relPath}": "${segment}" is not a folder`, {
          code: 'MLW_MLFLOW_UNSAFE_PATH',
          hint: 'the listing holds a file and a folder with the same name',
        });
      }
    }
  }
}

/**
 * Streams `chunks` into `root/relPath` (created or truncated, never through a symlink, mode
 * 0600) and returns the bytes written. Stops with MLW_LIMIT_EXCEEDED past `maxBytes`.
 */
export async function writeStreamToFile(
  root: string,
  relPath: string,
  chunks: AsyncIterable<Uint8Array>,
  maxBytes: number,
  onChunk: (bytes: number) => void = () => undefined,
): Promise<number> {
  await ensureParents(root, relPath);
  const flags =
    constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | (constants.O_NOFOLLOW ?? 0);
  const handle = await open(join(root, relPath), flags, 0o600);
  let written = 0;
  try {
    for await (const chunk of chunks) {
      written += chunk.byteLength;
      if (written > maxBytes) {
        throw new InputError(
          `artifact "${relPath}" is larger than the limit of ${maxBytes} bytes`,
          {
            code: 'MLW_LIMIT_EXCEEDED',
            hint: 'raise maxFileBytes / maxTotalBytes if the artifact is expected to be this large',
          },
        );
      }
      onChunk(chunk.byteLength);
      await handle.write(chunk);
    }
  } finally {
    await handle.close();
  }
  return written;
}
