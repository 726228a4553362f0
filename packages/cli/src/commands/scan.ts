import { existsSync, statSync, writeFileSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import {
  artifactScanCheck,
  createManifest,
  DEFAULT_MANIFEST_IGNORE,
  localArtifactSet,
} from '@mlwarden/artifacts';
import { type ArtifactSet, InputError, UsageError } from '@mlwarden/core';
import { defineCommand } from '../command.js';
import { focusedRun } from '../focused-run.js';

/** One artifact set over several files and directories, in the order given. */
function artifactsOf(paths: readonly string[], cwd: string): ArtifactSet {
  const sets = paths.map((p) => localArtifactSet(resolve(cwd, p)));
  return {
    source: paths.join(', '),
    async *files(options) {
      for (const set of sets) yield* set.files(options);
    },
  };
}

export const scanCommand = defineCommand({
  name: 'scan',
  summary: 'scan model files for code that runs when they are loaded',
  usage:
    'mlwarden scan <file|dir>... [--strict] [--deep] [--allow module.name]... [--manifest out.json] [options]',
  help: `Reads pickle, joblib, PyTorch, NumPy, zip and tar files (chosen by content, not by name)
without ever loading them, and reports imports that would execute code, touch the network or the
file system, and embedded code objects. A file that hits a scan limit is incomplete (exit 3),
never clean. Symbolic links are not followed out of a directory.

Options:
      --strict               imports outside the allowlist are high instead of medium
      --allow <module.name>  also allow this exact import, e.g. your own estimator (repeatable)
      --deep                 read every archive member to its end and check every CRC (by
                             default tensor storage members are sniffed by their head only)
      --manifest <file>      also write a manifest of the (one) model directory: SHA-256 of every
                             file and a digest of the whole directory, for \`mlwarden verify\`

Rules, limits and options: mlwarden explain artifact.scan`,
  options: {
    strict: { type: 'boolean' },
    deep: { type: 'boolean' },
    allow: { type: 'string', multiple: true },
    manifest: { type: 'string' },
  },
  async run(context) {
    const { io, values, positionals } = context;
    if (positionals.length === 0) throw new UsageError('scan needs at least one file or directory');
    const missing = positionals.filter((p) => !existsSync(resolve(io.cwd, p)));
    if (missing.length > 0) {
      throw new InputError(`no such file or directory: ${missing.join(', ')}`, {
        code: 'MLW_INPUT_NOT_FOUND',
      });
    }
    const options = {
      ...(values.strict === true && { strict: true }),
      ...(values.deep === true && { deep: true }),
      ...(Array.isArray(values.allow) && { allow: values.allow as string[] }),
    };
    const manifestPath =
      typeof values.manifest === 'string' ? resolve(io.cwd, values.manifest) : undefined;
    // Hashed before the scan reads the files: the manifest pins the bytes that were scanned.
    const manifest =
      manifestPath === undefined
        ? undefined
        : await manifestOf(resolve(io.cwd, positionals[0] as string), positionals, manifestPath);
    const code = await focusedRun(
      context,
      [artifactScanCheck],
      { artifacts: artifactsOf(positionals, io.cwd) },
      {
        'artifact.scan': { options },
      },
    );
    if (manifest !== undefined && manifestPath !== undefined) {
      writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
      if (!context.globals.quiet) {
        io.stderr.write(
          `manifest of ${manifest.files.length} files (digest ${manifest.digest}) written to ${manifestPath}\n`,
        );
      }
    }
    return code;
  },
});

/** The manifest of the one directory scanned; the manifest file itself is left out of it. */
async function manifestOf(dir: string, positionals: readonly string[], manifestPath: string) {
  if (positionals.length !== 1 || !statSync(dir).isDirectory()) {
    throw new UsageError('--manifest needs exactly one model directory to scan', {
      hint: 'mlwarden scan model/ --manifest model.manifest.json',
    });
  }
  const inside = relative(dir, manifestPath);
  const ignore =
    inside !== '' && !inside.startsWith(`..${sep}`) && !inside.startsWith(sep) && inside !== '..'
      ? [...DEFAULT_MANIFEST_IGNORE, inside.split(sep).join('/')]
      : [...DEFAULT_MANIFEST_IGNORE];
  return createManifest(dir, { ignore });
}
