import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  type CheckContext,
  defineCheck,
  type FindingInput,
  MlwardenError,
  type RuleMeta,
} from '@mlwarden/core';
import { z } from 'zod';
import { verifyManifest } from './integrity/model-manifest.js';
import { verifyModelSignature } from './integrity/verify-model-signature.js';

/** Options of the `artifact.integrity` check. Relative paths are resolved against the working directory. */
export const artifactIntegrityOptions = z.strictObject({
  /** The model directory. Default: the `artifacts` input when it is a local directory. */
  directory: z.string().min(1).optional(),
  /** A manifest written by `mlwarden scan --manifest` / `createManifest`. */
  manifest: z.string().min(1).optional(),
  /** The signer's public key (PEM): verifies an OpenSSF model-signing signature. */
  publicKey: z.string().min(1).optional(),
  /** The Sigstore bundle. Default: `model.sig` in the model directory. */
  signature: z.string().min(1).optional(),
});

export type ArtifactIntegrityOptions = z.infer<typeof artifactIntegrityOptions>;

type IntegrityRule =
  | 'changed-file'
  | 'missing-file'
  | 'extra-file'
  | 'symlink'
  | 'manifest-tampered'
  | 'signature-invalid'
  | 'unverifiable';

const RULES: Record<IntegrityRule, RuleMeta> = {
  'changed-file': {
    title: 'File changed since it was pinned',
    severity: 'high',
    description: 'Its SHA-256 differs from the manifest, or it does not match the signed digest.',
    remediation:
      'Do not load this model: restore the file from a trusted copy, or re-create the manifest / re-sign after reviewing the change.',
  },
  'missing-file': {
    title: 'Pinned file missing',
    severity: 'high',
    remediation:
      'Restore the missing file from a trusted copy, or re-create the manifest / re-sign if the removal was intended.',
  },
  'extra-file': {
    title: 'File not covered by the manifest or signature',
    severity: 'high',
    description:
      'A file was added after the model was pinned; loaders may pick it up (a pickle dropped next to the weights).',
    remediation:
      'Remove the file, or scan it (`mlwarden scan`) and re-create the manifest / re-sign if it belongs to the model.',
  },
  symlink: {
    title: 'Symbolic link in the model directory',
    severity: 'medium',
    description: 'Links are never followed: their target is not pinned by the manifest.',
    remediation: 'Replace the link with the file it points to, then re-create the manifest.',
  },
  'manifest-tampered': {
    title: 'Manifest edited',
    severity: 'high',
    description: 'The manifest’s directory digest does not match its own file list.',
    remediation:
      'Use the manifest from the trusted build that produced the model; an edited manifest proves nothing.',
  },
  'signature-invalid': {
    title: 'Model signature does not verify',
    severity: 'high',
    description:
      'The DSSE signature, the key hint, the statement or its digests do not verify with the given public key.',
    remediation:
      'Do not load this model: get it again from its publisher and check you have the publisher’s public key.',
  },
  unverifiable: {
    title: 'Integrity could not be checked',
    severity: 'high',
    description: 'The manifest, signature or key could not be read or is of an unsupported kind.',
    remediation: 'Fix the manifest, signature or key path named in the message.',
  },
};

/** Relative path of a signed resource: a shard is `path:start:end`. */
function resourcePath(name: string): { path: string; shard?: string } {
  const m = /^(.*):(\d+):(\d+)$/.exec(name);
  return m ? { path: m[1] as string, shard: `${m[2]}-${m[3]}` } : { path: name };
}

function finding(
  rule: IntegrityRule,
  message: string,
  path: string | undefined,
  evidence: Record<string, string | number | boolean>,
): FindingInput {
  return {
    rule,
    severity: RULES[rule].severity ?? 'high',
    message,
    ...(path !== undefined && { location: { uri: path } }),
    evidence,
    remediation: RULES[rule].remediation as string,
    key: `${rule}:${evidence.source ?? ''}:${path ?? message}`,
  };
}

function unverifiable(
  ctx: CheckContext<ArtifactIntegrityOptions>,
  what: string,
  error: unknown,
): void {
  if (!(error instanceof MlwardenError)) throw error;
  ctx.report(
    finding('unverifiable', `${what}: ${error.message}`, undefined, {
      source: what,
      code: error.code,
    }),
  );
  ctx.incomplete(`${what} could not be checked: ${error.message}`);
}

async function checkManifest(
  ctx: CheckContext<ArtifactIntegrityOptions>,
  dir: string,
  path: string,
): Promise<void> {
  let manifest: unknown;
  try {
    manifest = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    ctx.report(
      finding('unverifiable', `manifest ${path} cannot be read as JSON`, undefined, {
        source: 'manifest',
      }),
    );
    ctx.incomplete(`manifest ${path} cannot be read: ${(cause as Error).message}`);
    return;
  }
  let diff: Awaited<ReturnType<typeof verifyManifest>>;
  try {
    diff = await verifyManifest(dir, manifest);
  } catch (error) {
    unverifiable(ctx, 'manifest', error);
    return;
  }
  const source = 'manifest';
  for (const c of diff.changed) {
    ctx.report(
      finding('changed-file', `${c.path} changed: SHA-256 differs from the manifest`, c.path, {
        source,
        expected: c.expected,
        actual: c.actual,
      }),
    );
  }
  for (const p of diff.removed) {
    ctx.report(
      finding('missing-file', `${p} is listed in the manifest but missing`, p, { source }),
    );
  }
  for (const p of diff.added) {
    ctx.report(finding('extra-file', `${p} is not listed in the manifest`, p, { source }));
  }
  for (const p of diff.symlinks) {
    ctx.report(
      finding('symlink', `${p} is a symbolic link, which a manifest cannot pin`, p, { source }),
    );
  }
  if (diff.manifestInconsistent) {
    ctx.report(
      finding(
        'manifest-tampered',
        `the manifest's digest ${diff.digest.expected} does not match its own file list: it was edited`,
        undefined,
        { source, expected: diff.digest.expected },
      ),
    );
  }
  ctx.metric('manifest', {
    ok: diff.ok,
    expectedDigest: diff.digest.expected,
    actualDigest: diff.digest.actual,
    added: diff.added.length,
    removed: diff.removed.length,
    changed: diff.changed.length,
  });
}

async function checkSignature(
  ctx: CheckContext<ArtifactIntegrityOptions>,
  dir: string,
  keyPath: string,
  signature: string | undefined,
): Promise<void> {
  let publicKey: Buffer;
  try {
    publicKey = await readFile(keyPath);
  } catch (cause) {
    const message = `public key ${keyPath} cannot be read: ${(cause as Error).message}`;
    ctx.report(finding('unverifiable', message, undefined, { source: 'signature' }));
    ctx.incomplete(message);
    return;
  }
  let result: Awaited<ReturnType<typeof verifyModelSignature>>;
  try {
    result = await verifyModelSignature(dir, {
      publicKey,
      ...(signature !== undefined && { signature }),
    });
  } catch (error) {
    unverifiable(ctx, 'signature', error);
    return;
  }
  const source = 'signature';
  for (const problem of result.problems) {
    ctx.report(finding('signature-invalid', `model signature: ${problem}`, undefined, { source }));
  }
  for (const name of result.changed) {
    const r = resourcePath(name);
    ctx.report(
      finding('changed-file', `${name} does not match its signed digest`, r.path, {
        source,
        ...(r.shard !== undefined && { shard: r.shard }),
      }),
    );
  }
  for (const name of result.removed) {
    const r = resourcePath(name);
    ctx.report(finding('missing-file', `${name} is signed but missing`, r.path, { source }));
  }
  for (const name of result.added) {
    const r = resourcePath(name);
    ctx.report(
      finding('extra-file', `${name} is not covered by the signature`, r.path, { source }),
    );
  }
  ctx.metric('signature', {
    verified: result.verified,
    ...(result.modelName !== undefined && { modelName: result.modelName }),
    ...(result.method !== undefined && { method: result.method }),
    ...(result.hashType !== undefined && { hashType: result.hashType }),
  });
}

/**
 * `artifact.integrity`: checks a model directory against a manifest of SHA-256 digests and/or an
 * OpenSSF model-signing signature (key-based): changed, missing and extra files, an edited
 * manifest, a signature that does not verify.
 */
export const artifactIntegrityCheck = defineCheck({
  meta: {
    id: 'artifact.integrity',
    title: 'Model artifact integrity',
    description:
      'Checks that a model directory is exactly what was pinned: every file against a SHA-256 manifest (mlwarden scan --manifest), and an OpenSSF model-signing signature against the signer’s public key. Reports changed, missing and extra files.',
    category: 'supply-chain',
    defaultSeverity: 'high',
    taxonomy: {
      atlas: ['AML.T0010.003', 'AML.T0018'],
      owasp: ['ML06', 'ML10'],
    },
    requires: ['artifacts'],
    options: artifactIntegrityOptions,
    rules: RULES,
    docs: 'docs/checks/artifact.integrity.md',
    timeoutMs: 3_600_000,
  },
  async run(ctx) {
    const { options } = ctx;
    const source = ctx.inputs.artifacts.source;
    const dir = resolve(options.directory ?? source);
    if (options.manifest === undefined && options.publicKey === undefined) {
      ctx.skip('nothing to verify: set the manifest option, the publicKey option, or both');
      return;
    }
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      ctx.skip(
        `${options.directory ?? source} is not a local directory; set the directory option to the model directory`,
      );
      return;
    }
    ctx.metric('directory', dir);
    if (options.manifest !== undefined) await checkManifest(ctx, dir, resolve(options.manifest));
    if (options.signature !== undefined && options.publicKey === undefined) {
      const message = 'a signature was given without the signer’s public key (publicKey option)';
      ctx.report(finding('unverifiable', message, undefined, { source: 'signature' }));
      ctx.incomplete(message);
    }
    if (options.publicKey !== undefined) {
      await checkSignature(
        ctx,
        dir,
        resolve(options.publicKey),
        options.signature === undefined ? undefined : resolve(options.signature),
      );
    }
  },
});
