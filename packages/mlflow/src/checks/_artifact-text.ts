import type { ArtifactFile, ArtifactSet } from '@mlwarden/core';

/** Every file of a set by path (the set is listed once). */
export async function indexArtifacts(
  artifacts: ArtifactSet,
  signal?: AbortSignal,
): Promise<Map<string, ArtifactFile>> {
  const out = new Map<string, ArtifactFile>();
  for await (const file of artifacts.files(signal !== undefined ? { signal } : {})) {
    out.set(file.path, file);
  }
  return out;
}

/** The file's text when it is at most `maxBytes` and holds no NUL byte; otherwise undefined. */
export async function readSmallText(
  file: ArtifactFile,
  maxBytes: number,
): Promise<string | undefined> {
  if (file.size > maxBytes) return undefined;
  const bytes = await file.read(0, file.size);
  if (bytes.includes(0)) return undefined;
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
}

/** `a/b/MLmodel` → `a/b`; `MLmodel` → ``. */
export function dirname(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash);
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function joinPath(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}
