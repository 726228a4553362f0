import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ManifestError } from './manifest-error.js';
import {
  type ParsedManifests,
  type ParseManifestsOptions,
  parseManifests,
} from './parse-manifests.js';

export interface LoadManifestsOptions extends ParseManifestsOptions {
  /** Base for relative paths. Default `process.cwd()`. */
  cwd?: string;
  /** Most files read from directories. Default 1000. */
  maxFiles?: number;
  /** Deepest directory level walked. Default 8. */
  maxDepth?: number;
}

const YAML_FILE = /\.ya?ml$/i;

/**
 * Reads manifest files, and `.yaml`/`.yml` files under directories (sorted, symbolic links not
 * followed), and parses them with `parseManifests`. Locations are the paths as given (relative
 * paths stay relative), so findings point at the user's files.
 */
export async function loadManifests(
  paths: readonly string[],
  options: LoadManifestsOptions = {},
): Promise<ParsedManifests> {
  const cwd = options.cwd ?? process.cwd();
  const maxFiles = options.maxFiles ?? 1000;
  const maxDepth = options.maxDepth ?? 8;
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  const files: string[] = [];
  const notes: string[] = [];

  const walk = async (shown: string, depth: number): Promise<void> => {
    const entries = (await readdir(path.resolve(cwd, shown), { withFileTypes: true })).sort(
      (a, b) => a.name.localeCompare(b.name),
    );
    for (const entry of entries) {
      const child = path.join(shown, entry.name);
      if (entry.isSymbolicLink()) notes.push(`${child}: symbolic link not followed`);
      else if (entry.isDirectory()) {
        if (depth >= maxDepth) notes.push(`${child}: deeper than ${maxDepth} levels; not read`);
        else await walk(child, depth + 1);
      } else if (entry.isFile() && YAML_FILE.test(entry.name)) {
        if (files.length >= maxFiles) {
          throw new ManifestError(
            'MLW_SELDON_MANIFEST_TOO_LARGE',
            `more than ${maxFiles} manifest files under ${shown}`,
            {
              source: shown,
              hint: 'name fewer files or directories, or raise maxFiles',
            },
          );
        }
        files.push(child);
      }
    }
  };

  for (const given of paths) {
    let stat: Awaited<ReturnType<typeof lstat>>;
    try {
      stat = await lstat(path.resolve(cwd, given));
    } catch (cause) {
      throw new ManifestError(
        'MLW_INPUT_NOT_FOUND',
        `manifest path ${given} does not exist or cannot be read`,
        {
          source: given,
          cause,
        },
      );
    }
    if (stat.isDirectory()) await walk(given, 0);
    else if (stat.isFile()) files.push(given);
    else
      throw new ManifestError('MLW_INPUT_INVALID', `${given} is neither a file nor a directory`, {
        source: given,
      });
  }

  const result: ParsedManifests = { manifests: [], notes };
  for (const file of files) {
    const full = path.resolve(cwd, file);
    const size = (await lstat(full)).size;
    if (size > maxBytes) {
      throw new ManifestError(
        'MLW_SELDON_MANIFEST_TOO_LARGE',
        `${file} is ${size} bytes, more than the ${maxBytes} allowed`,
        {
          source: file,
        },
      );
    }
    const parsed = parseManifests(await readFile(full, 'utf8'), file, options);
    result.manifests.push(...parsed.manifests);
    result.notes.push(...parsed.notes);
  }
  return result;
}
