import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { type ArtifactFile, type ArtifactSet, InputError } from '@mlwarden/core';
import { localArtifactFile } from './scan/scan-file.js';

/** A file of a local artifact set; `outside` marks a symlink that leads out of the directory. */
export interface LocalArtifactFile extends ArtifactFile {
  /** Set for a link whose target is outside the set's directory: it is reported, not read. */
  readonly outside?: { target: string };
}

function inside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep));
}

function escaping(path: string, target: string): LocalArtifactFile {
  return {
    path,
    size: 0,
    outside: { target },
    read: async () => {
      throw new InputError(
        `${path} is a link to ${target}, outside the scanned directory; it is not followed`,
      );
    },
    stream: () => ({
      [Symbol.asyncIterator]: () => ({
        next: () =>
          Promise.reject(
            new InputError(
              `${path} is a link to ${target}, outside the scanned directory; it is not followed`,
            ),
          ),
      }),
    }),
  };
}

/** A plain file found by the walk: where it is on disk and its path relative to the set's root. */
export interface LocalEntry {
  readonly local: string;
  readonly rel: string;
}

/**
 * The walk behind `localArtifactSet`, without a stat per file: plain files as entries (to stat and
 * read where they are scanned, possibly on another thread), links that leave the directory as the
 * files that report them.
 */
export async function* localEntries(
  path: string,
  signal?: AbortSignal,
): AsyncGenerator<LocalEntry | LocalArtifactFile> {
  let root: string;
  try {
    root = await realpath(path);
  } catch (cause) {
    throw new InputError(`artifact path ${path} does not exist or cannot be read`, {
      code: 'MLW_INPUT_NOT_FOUND',
      cause,
      hint: 'check the path given to mlwarden scan or inputs.artifacts',
    });
  }
  const top = await stat(root);
  if (top.isFile()) {
    yield { local: root, rel: path.split(sep).pop() ?? path };
    return;
  }
  const seen = new Set<string>([root]);
  /** `relDir`: `dir` relative to the root, `/`-separated ('' for the root itself). */
  const walk = async function* (
    dir: string,
    relDir: string,
  ): AsyncGenerator<LocalEntry | LocalArtifactFile> {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    for (const entry of entries) {
      if (signal?.aborted) return;
      const full = join(dir, entry.name);
      // A directory entry's name is one path component: no `relative` per file.
      const rel = relDir === '' ? entry.name : `${relDir}/${entry.name}`;
      // Plain files need no lstat: the directory entry already says what they are.
      if (entry.isFile()) {
        yield { local: full, rel };
        continue;
      }
      const info = await lstat(full);
      let real = full;
      if (info.isSymbolicLink()) {
        try {
          real = await realpath(full);
        } catch {
          yield escaping(rel, '(a missing target)');
          continue;
        }
        if (!inside(root, real)) {
          yield escaping(rel, real);
          continue;
        }
      }
      const target = info.isSymbolicLink() ? await stat(real) : info;
      if (target.isDirectory()) {
        if (seen.has(real)) continue;
        seen.add(real);
        const next = real === full ? full : real;
        yield* walk(next, next === full ? rel : relative(root, next).split(sep).join('/'));
      } else if (target.isFile()) {
        yield { local: real, rel };
      }
    }
  };
  yield* walk(root, '');
}

/** True for an entry of `localEntries` that is a plain file to read. */
export function isLocalEntry(item: LocalEntry | LocalArtifactFile): item is LocalEntry {
  return 'local' in item;
}

/**
 * The files under a local directory (or a single file), depth first in name order. Symlinks are
 * followed only while they stay inside the directory; one that leads out is listed with
 * `outside` set and never read. Directory loops are cut.
 */
export function localArtifactSet(path: string): ArtifactSet {
  return {
    source: path,
    async *files(options) {
      for await (const item of localEntries(path, options?.signal)) {
        yield isLocalEntry(item) ? await localArtifactFile(item.local, item.rel) : item;
      }
    },
  };
}
