import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { InputError } from '@mlwarden/core';

export interface ModelFileEntry {
  /** Path relative to the model directory, `/`-separated. */
  path: string;
  size: number;
}

export interface ModelTree {
  files: ModelFileEntry[];
  /** Symbolic links found (never followed), with their targets. */
  symlinks: { path: string; target: string }[];
}

/** True when `path` is `ignore` or inside it (whole path components, as OMS compares). */
export function isIgnored(path: string, ignore: readonly string[]): boolean {
  return ignore.some((i) => {
    const p = posix.normalize(i).replace(/\/+$/, '');
    return path === p || path.startsWith(`${p}/`);
  });
}

/** Compares like Python's `sorted` on str (by code point), which is UTF-8 byte order. */
export function byPath(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * Regular files under `dir`, sorted by path, skipping `ignore`d paths. Symbolic links are never
 * followed; they are returned separately so the caller can decide.
 */
export async function listModelFiles(dir: string, ignore: readonly string[]): Promise<ModelTree> {
  const tree: ModelTree = { files: [], symlinks: [] };
  let root: Awaited<ReturnType<typeof lstat>>;
  try {
    root = await lstat(dir);
  } catch (error) {
    throw new InputError(`model directory ${dir} cannot be read`, {
      code: 'MLW_ARTIFACT_MODEL_DIR',
      cause: error,
      hint: 'Pass the directory that holds the model files.',
    });
  }
  if (!root.isDirectory()) {
    throw new InputError(`${dir} is not a directory`, {
      code: 'MLW_ARTIFACT_MODEL_DIR',
      hint: 'Pass the directory that holds the model files.',
    });
  }
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(join(dir, ...rel.split('/').filter(Boolean)), {
      withFileTypes: true,
    });
    for (const entry of entries) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (isIgnored(path, ignore)) continue;
      const full = join(dir, ...path.split('/'));
      if (entry.isSymbolicLink()) {
        tree.symlinks.push({ path, target: await readlink(full) });
      } else if (entry.isDirectory()) {
        await walk(path);
      } else if (entry.isFile()) {
        tree.files.push({ path, size: (await lstat(full)).size });
      }
    }
  };
  await walk('');
  tree.files.sort((a, b) => byPath(a.path, b.path));
  tree.symlinks.sort((a, b) => byPath(a.path, b.path));
  return tree;
}

/** Node's name for a hash algorithm named in a manifest or OMS signature. */
export function nodeHash(algorithm: string): string | undefined {
  if (algorithm === 'sha256') return 'sha256';
  if (algorithm === 'blake2b') return 'blake2b512';
  return undefined;
}

/** Hex digest of bytes `[start, end)` of a file (the whole file by default), streamed. */
export async function hashFile(
  dir: string,
  path: string,
  algorithm: string,
  range?: { start: number; end: number },
): Promise<string> {
  const hash = createHash(algorithm);
  const stream = createReadStream(join(dir, ...path.split('/')), {
    highWaterMark: 1024 * 1024,
    ...(range !== undefined && { start: range.start, end: range.end - 1 }),
  });
  if (range !== undefined && range.end <= range.start) stream.destroy();
  else for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
