import { isAbsolute, posix, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** SARIF base id for locations relative to the working directory (the repository root in CI). */
export const SRCROOT = '%SRCROOT%';

/** A scheme of two or more letters, so a Windows drive (`C:`) stays a path. */
const SCHEME = /^([a-z][a-z0-9+.-]+):/i;

function encodeRelative(path: string): string {
  return posix
    .normalize(path.split(sep).join('/'))
    .replace(/^\.\//, '')
    .split('/')
    .map((segment) => (segment === '..' ? segment : encodeURIComponent(segment)))
    .join('/');
}

/**
 * SARIF `artifactLocation` for a finding's location URI. A local path (or `file:` URL) under
 * `cwd` becomes a relative, percent-encoded URI against `%SRCROOT%`, which code scanning resolves
 * from the repository root; other local paths become `file:` URLs; URIs with another scheme
 * (`s3://`, `models:/`, `https://`) are kept as they are. Without `cwd`, relative paths stay
 * relative.
 */
export function artifactLocation(uri: string, cwd?: string): { uri: string; uriBaseId?: string } {
  const scheme = SCHEME.exec(uri)?.[1]?.toLowerCase();
  let path: string;
  if (scheme === undefined) path = uri;
  else if (scheme === 'file') {
    try {
      path = fileURLToPath(uri);
    } catch {
      return { uri };
    }
  } else return { uri };

  if (cwd !== undefined) {
    const absolute = resolve(cwd, path);
    const rel = relative(resolve(cwd), absolute);
    const outside = rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
    return outside
      ? { uri: pathToFileURL(absolute).href }
      : { uri: encodeRelative(rel), uriBaseId: SRCROOT };
  }
  if (isAbsolute(path)) return { uri: pathToFileURL(path).href };
  return { uri: encodeRelative(path), uriBaseId: SRCROOT };
}

/** `file:` URL of a directory, with the trailing slash SARIF requires of a base URI. */
export function directoryUrl(dir: string): string {
  const href = pathToFileURL(resolve(dir)).href;
  return href.endsWith('/') ? href : `${href}/`;
}
