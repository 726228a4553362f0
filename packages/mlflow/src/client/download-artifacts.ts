import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@mlwarden/core';
import type { ArtifactStore } from './_artifact-store.js';
import { readText } from './_transport.js';
import { writeStreamToFile } from './_write-file.js';
import { type ArtifactLocation, formatArtifactLocation } from './artifact-location.js';
import { MlflowError } from './mlflow-error.js';

/** Bounds on one download; passing one stops it with `MLW_LIMIT_EXCEEDED`. */
export interface DownloadLimits {
  /** Files in the tree. Default 10,000. */
  maxFiles: number;
  /** Bytes of one file. Default 4 GiB. */
  maxFileBytes: number;
  /** Bytes of all files together. Default 8 GiB. */
  maxTotalBytes: number;
  /** Folder depth below the root. Default 32. */
  maxDepth: number;
}

export const DEFAULT_DOWNLOAD_LIMITS: Readonly<DownloadLimits> = Object.freeze({
  maxFiles: 10_000,
  maxFileBytes: 4 * 1024 ** 3,
  maxTotalBytes: 8 * 1024 ** 3,
  maxDepth: 32,
});

export interface DownloadOptions {
  limits?: Partial<DownloadLimits>;
  signal?: AbortSignal;
}

/** Files downloaded into a private temporary folder. */
export interface DownloadedArtifacts {
  /** The location they came from, as a URI (`runs:/…`, `mlflow-artifacts:/…`, `models:/m-…`). */
  readonly source: string;
  /** Local folder holding the files (mode 0700, inside the OS temp folder). */
  readonly root: string;
  /** Relative paths (with `/`) and sizes, in listing order. */
  readonly files: readonly { path: string; size: number }[];
  /** Deletes the folder; also done at process exit for anything left behind. */
  dispose(): Promise<void>;
}

const leftovers = new Set<string>();
let exitHook = false;

function track(dir: string): void {
  leftovers.add(dir);
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => {
      for (const d of leftovers) rmSync(d, { recursive: true, force: true });
    });
  }
}

/** A private temporary folder that is removed at process exit unless disposed of earlier. */
export async function makePrivateTempDir(prefix = 'mlwarden-mlflow-'): Promise<{
  dir: string;
  dispose: () => Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  track(dir);
  return {
    dir,
    dispose: async () => {
      leftovers.delete(dir);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function limitError(message: string, hint: string): InputError {
  return new InputError(message, { code: 'MLW_LIMIT_EXCEEDED', hint });
}

/**
 * Downloads a file or a folder tree from a location the tracking server serves into a new
 * private temporary folder, streaming each file to disk. Server-listed paths are checked
 * (no `..`, no absolute paths, nothing outside the listed folder), files are written without
 * following links, and the limits bound the number of files and their bytes. An empty folder or
 * a missing file is an InputError `MLW_INPUT_NOT_FOUND`. On any failure the folder is removed.
 */
export async function downloadArtifacts(
  store: ArtifactStore,
  location: ArtifactLocation,
  options: DownloadOptions = {},
): Promise<DownloadedArtifacts> {
  const limits = { ...DEFAULT_DOWNLOAD_LIMITS, ...options.limits };
  const { signal } = options;
  const source = formatArtifactLocation(location);
  const planned: { path: string; declared: number | undefined }[] = [];
  let declaredTotal = 0;

  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > limits.maxDepth) {
      throw limitError(
        `${source} has folders nested deeper than ${limits.maxDepth} levels`,
        'raise limits.maxDepth if this is expected',
      );
    }
    for (const entry of await store.list(location, dir, signal)) {
      if (entry.is_dir) {
        await walk(entry.path, depth + 1);
        continue;
      }
      planned.push({ path: entry.path, declared: entry.file_size });
      declaredTotal += entry.file_size ?? 0;
      if (planned.length > limits.maxFiles) {
        throw limitError(
          `${source} holds more than ${limits.maxFiles} files`,
          'raise limits.maxFiles, or point at a sub-folder',
        );
      }
      if ((entry.file_size ?? 0) > limits.maxFileBytes) {
        throw limitError(
          `${source}/${entry.path} is ${entry.file_size} bytes, over the limit of ${limits.maxFileBytes}`,
          'raise limits.maxFileBytes if the file is expected to be this large',
        );
      }
      if (declaredTotal > limits.maxTotalBytes) {
        throw limitError(
          `${source} holds more than ${limits.maxTotalBytes} bytes`,
          'raise limits.maxTotalBytes, or point at a sub-folder',
        );
      }
    }
  };
  await walk('', 0);

  // An empty listing is either a single file or nothing at all.
  let single: ArtifactLocation | undefined;
  if (planned.length === 0) {
    const slash = location.path.lastIndexOf('/');
    const name = location.path.slice(slash + 1);
    if (name === '') {
      throw new InputError(`no artifacts at ${source}`, {
        code: 'MLW_INPUT_NOT_FOUND',
        hint: 'check the run id and the artifact path',
      });
    }
    single = { ...location, path: location.path.slice(0, Math.max(0, slash)) };
    planned.push({ path: name, declared: undefined });
  }

  const temp = await makePrivateTempDir();
  const root = join(temp.dir, 'files');
  try {
    await mkdir(root, { mode: 0o700 });
    const files: { path: string; size: number }[] = [];
    let total = 0;
    for (const file of planned) {
      const budget = Math.min(limits.maxFileBytes, limits.maxTotalBytes - total);
      let size: number;
      try {
        size = await store.read(
          single ?? location,
          file.path,
          async (response, touch) => {
            if (response.body === null) return 0;
            const chunks = response.body as unknown as AsyncIterable<Uint8Array>;
            return writeStreamToFile(root, file.path, chunks, budget, touch);
          },
          signal,
        );
      } catch (error) {
        if (single && MlflowError.isNotFound(error)) {
          throw new InputError(`no artifacts at ${source}`, {
            code: 'MLW_INPUT_NOT_FOUND',
            cause: error,
            hint: 'check the run id and the artifact path',
          });
        }
        throw error;
      }
      total += size;
      files.push({ path: file.path, size });
    }
    return { source, root, files, dispose: temp.dispose };
  } catch (error) {
    await temp.dispose();
    throw error;
  }
}

/** Reads a small text artifact (at most `maxBytes`) without touching the disk. */
export async function readArtifactText(
  store: ArtifactStore,
  location: ArtifactLocation,
  file: string,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<string> {
  return store.read(
    location,
    file,
    async (response, touch) => {
      const { text, truncated } = await readText(response, maxBytes, touch);
      if (truncated) {
        throw limitError(
          `${formatArtifactLocation(location)}/${file} is larger than ${maxBytes} bytes`,
          'read it with a download instead',
        );
      }
      return text;
    },
    signal,
  );
}
