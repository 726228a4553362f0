import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { artifactIntegrityCheck, localArtifactSet, parseManifest } from '@mlwarden/artifacts';
import { InputError, UsageError } from '@mlwarden/core';
import { defineCommand } from '../command.js';
import { focusedRun } from '../focused-run.js';

function existingFile(path: string, what: string, hint: string): string {
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new InputError(`${what} ${path} does not exist or is not a file`, {
      code: 'MLW_INPUT_NOT_FOUND',
      hint,
    });
  }
  return path;
}

/** Reads and validates a manifest file up front: a bad manifest is an input error (exit 2). */
function checkManifestFile(path: string): void {
  existingFile(path, 'manifest', 'write one with `mlwarden scan <dir> --manifest <file>`');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new InputError(`manifest ${path} is not JSON: ${(cause as Error).message}`, {
      code: 'MLW_ARTIFACT_MANIFEST_INVALID',
      cause,
      hint: 'pass the file written by `mlwarden scan <dir> --manifest <file>`',
    });
  }
  try {
    parseManifest(json);
  } catch (cause) {
    if (cause instanceof InputError) {
      throw new InputError(`manifest ${path}: ${cause.message}`, {
        code: cause.code,
        cause,
        hint: 'pass the file written by `mlwarden scan <dir> --manifest <file>`',
      });
    }
    throw cause;
  }
}

export const verifyCommand = defineCommand({
  name: 'verify',
  summary: 'check a model directory against a manifest and/or a model-signing signature',
  usage:
    'mlwarden verify <dir> [--manifest m.json] [--public-key key.pem [--signature model.sig]] [options]',
  help: `Re-hashes every file of a model directory and reports files that changed, went missing or
were added since the manifest was written (\`mlwarden scan <dir> --manifest m.json\`). With
--public-key, also verifies an OpenSSF model-signing signature (key-based, a Sigstore bundle as
written by \`model_signing sign key\`). Exit 1 when a finding is at or above --fail-on (every
integrity finding is high, symbolic links medium), 2 when the manifest, signature or key file is
missing or not what it should be.

Options:
      --manifest <file>      manifest to check against (schema mlwarden.model-manifest/v1)
      --public-key <file>    signer's public key (PEM, EC P-256/384/521)
      --signature <file>     Sigstore bundle (default: model.sig in the directory)

Rules: mlwarden explain artifact.integrity`,
  options: {
    manifest: { type: 'string' },
    'public-key': { type: 'string' },
    signature: { type: 'string' },
  },
  async run(context) {
    const { io, values, positionals } = context;
    if (positionals.length !== 1) {
      throw new UsageError(
        positionals.length === 0
          ? 'verify needs the model directory'
          : `verify takes one model directory, got ${positionals.length}: ${positionals.join(', ')}`,
        { hint: 'mlwarden verify <dir> --manifest m.json' },
      );
    }
    const dir = resolve(io.cwd, positionals[0] as string);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new InputError(
        `model directory ${positionals[0]} does not exist or is not a directory`,
        {
          code: 'MLW_INPUT_NOT_FOUND',
        },
      );
    }
    const manifest = typeof values.manifest === 'string' ? values.manifest : undefined;
    const publicKey = typeof values['public-key'] === 'string' ? values['public-key'] : undefined;
    const signature = typeof values.signature === 'string' ? values.signature : undefined;
    if (manifest === undefined && publicKey === undefined) {
      throw new UsageError('verify needs --manifest, --public-key, or both', {
        hint: 'mlwarden verify <dir> --manifest m.json [--public-key key.pem]',
      });
    }
    if (signature !== undefined && publicKey === undefined) {
      throw new UsageError('--signature needs --public-key: the signer’s public key', {
        hint: 'mlwarden verify <dir> --signature model.sig --public-key key.pem',
      });
    }
    const options: Record<string, string> = { directory: dir };
    if (manifest !== undefined) {
      options.manifest = resolve(io.cwd, manifest);
      checkManifestFile(options.manifest);
    }
    if (publicKey !== undefined) {
      options.publicKey = existingFile(
        resolve(io.cwd, publicKey),
        'public key',
        'pass the signer’s public key in PEM form',
      );
      options.signature = existingFile(
        signature === undefined ? resolve(dir, 'model.sig') : resolve(io.cwd, signature),
        'signature',
        'pass the Sigstore bundle with --signature (model_signing writes model.sig)',
      );
    }
    return focusedRun(
      context,
      [artifactIntegrityCheck],
      { artifacts: localArtifactSet(dir) },
      { 'artifact.integrity': { options } },
    );
  },
});
