import { createHash } from 'node:crypto';
import { InputError } from '@mlwarden/core';
import { z } from 'zod';
import { byPath, hashFile, listModelFiles } from './_model-files.js';

export const MODEL_MANIFEST_SCHEMA = 'mlwarden.model-manifest/v1';
/** Paths left out by default: version-control metadata and OMS signatures. */
export const DEFAULT_MANIFEST_IGNORE: readonly string[] = ['.git', 'model.sig'];

const manifestSchema = z.object({
  schema: z.literal(MODEL_MANIFEST_SCHEMA),
  algorithm: z.literal('sha256'),
  digest: z.string().regex(/^[0-9a-f]{64}$/),
  ignore: z.array(z.string()),
  files: z.array(
    z.object({
      path: z.string().min(1),
      size: z.number().int().nonnegative(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
    }),
  ),
});

/** SHA-256 of every file of a model directory, and one digest of the whole directory. */
export type ModelManifest = z.infer<typeof manifestSchema>;

export interface ManifestOptions {
  /** Relative paths (files or directories) to leave out. Default: `.git`, `model.sig`. */
  ignore?: readonly string[];
}

/**
 * The directory digest: SHA-256 over one line per file, sorted by path (UTF-8 byte order),
 * each line `<sha256 hex><two spaces><relative path>\n` — exactly what `sha256sum` prints, so
 * `find . -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum` gives the
 * same value for a directory without ignored files or names containing `\` or newlines.
 */
export function directoryDigest(files: readonly { path: string; sha256: string }[]): string {
  const hash = createHash('sha256');
  for (const f of [...files].sort((a, b) => byPath(a.path, b.path))) {
    hash.update(`${f.sha256}  ${f.path}\n`, 'utf8');
  }
  return hash.digest('hex');
}

/** Hashes every regular file of `dir`. Symbolic links are refused: a manifest pins content. */
export async function createManifest(
  dir: string,
  options: ManifestOptions = {},
): Promise<ModelManifest> {
  const ignore = [...(options.ignore ?? DEFAULT_MANIFEST_IGNORE)];
  const tree = await listModelFiles(dir, ignore);
  if (tree.symlinks.length > 0) {
    throw new InputError(
      `${dir} contains symbolic links (${tree.symlinks.map((s) => s.path).join(', ')}), which a manifest cannot pin`,
      {
        code: 'MLW_ARTIFACT_SYMLINK',
        hint: 'Replace the links with the files they point to, or list them in the ignore option.',
      },
    );
  }
  const files: ModelManifest['files'] = [];
  for (const f of tree.files) {
    files.push({ path: f.path, size: f.size, sha256: await hashFile(dir, f.path, 'sha256') });
  }
  return {
    schema: MODEL_MANIFEST_SCHEMA,
    algorithm: 'sha256',
    digest: directoryDigest(files),
    ignore,
    files,
  };
}

/** Validates a manifest read from JSON; throws InputError saying what is wrong. */
export function parseManifest(value: unknown): ModelManifest {
  const parsed = manifestSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(
      `not an mlwarden model manifest: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
      {
        code: 'MLW_ARTIFACT_MANIFEST_INVALID',
        hint: 'Create the manifest with createManifest / `mlwarden scan --manifest out.json`.',
      },
    );
  }
  return parsed.data;
}

export interface ManifestDiff {
  /** True when the directory matches the manifest exactly. */
  ok: boolean;
  /** Files on disk the manifest does not list. */
  added: string[];
  /** Files the manifest lists that are missing. */
  removed: string[];
  /** Files whose content differs. */
  changed: { path: string; expected: string; actual: string }[];
  /** Symbolic links found (never followed); any makes `ok` false. */
  symlinks: string[];
  /** The manifest's own digest does not match its file list (the manifest was edited). */
  manifestInconsistent: boolean;
  digest: { expected: string; actual: string };
}

/** Checks `dir` against a manifest: every file hashed again, differences listed. */
export async function verifyManifest(dir: string, manifest: unknown): Promise<ManifestDiff> {
  const m = parseManifest(manifest);
  const tree = await listModelFiles(dir, m.ignore);
  const expected = new Map(m.files.map((f) => [f.path, f.sha256]));
  const onDisk = new Set(tree.files.map((f) => f.path));
  const actual: { path: string; sha256: string }[] = [];
  const changed: ManifestDiff['changed'] = [];
  const added: string[] = [];
  for (const f of tree.files) {
    const sha256 = await hashFile(dir, f.path, 'sha256');
    actual.push({ path: f.path, sha256 });
    const want = expected.get(f.path);
    if (want === undefined) added.push(f.path);
    else if (want !== sha256) changed.push({ path: f.path, expected: want, actual: sha256 });
  }
  const removed = m.files.filter((f) => !onDisk.has(f.path)).map((f) => f.path);
  const manifestInconsistent = directoryDigest(m.files) !== m.digest;
  const symlinks = tree.symlinks.map((s) => s.path);
  return {
    ok:
      added.length === 0 &&
      removed.length === 0 &&
      changed.length === 0 &&
      symlinks.length === 0 &&
      !manifestInconsistent,
    added,
    removed,
    changed,
    symlinks,
    manifestInconsistent,
    digest: { expected: m.digest, actual: directoryDigest(actual) },
  };
}
