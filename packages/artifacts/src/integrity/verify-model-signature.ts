import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { InputError } from '@mlwarden/core';
import { z } from 'zod';
import { byPath, hashFile, isIgnored, listModelFiles, nodeHash } from './_model-files.js';

const PAYLOAD_TYPE = 'application/vnd.in-toto+json';
const PREDICATE_TYPE = 'https://model_signing/signature/v1.0';
const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
const CURVE_HASH: Record<string, string> = {
  prime256v1: 'sha256',
  secp384r1: 'sha384',
  secp521r1: 'sha512',
};

const bundleSchema = z.object({
  mediaType: z.string(),
  verificationMaterial: z
    .object({
      publicKey: z.object({ hint: z.string().optional() }).optional(),
      certificate: z.unknown().optional(),
      x509CertificateChain: z.unknown().optional(),
    })
    .optional(),
  dsseEnvelope: z.object({
    payload: z.string(),
    payloadType: z.string(),
    signatures: z.array(z.object({ sig: z.string() })).min(1),
  }),
});

const statementSchema = z.object({
  _type: z.literal(STATEMENT_TYPE),
  subject: z.array(z.object({ name: z.string(), digest: z.object({ sha256: z.string() }) })),
  predicateType: z.string(),
  predicate: z.object({
    serialization: z.object({
      method: z.enum(['files', 'shards']),
      hash_type: z.string(),
      allow_symlinks: z.boolean().optional(),
      ignore_paths: z.array(z.string()).optional(),
      shard_size: z.number().int().positive().optional(),
    }),
    resources: z.array(z.object({ name: z.string(), algorithm: z.string(), digest: z.string() })),
  }),
});

export interface SignatureOptions {
  /** The signer's public key, PEM (SubjectPublicKeyInfo), EC P-256, P-384 or P-521. */
  publicKey: string | Buffer;
  /** The Sigstore bundle. Default: `model.sig` in the model directory. */
  signature?: string;
}

export interface SignatureVerification {
  /** True only when the signature is valid for the key and every file matches. */
  verified: boolean;
  /** Why verification failed; empty when verified. */
  problems: string[];
  /** The signed model name (the OMS subject). */
  modelName?: string;
  /** OMS serialization: `files` or `shards`, and its hash. */
  method?: string;
  hashType?: string;
  /** Files (or shards) on disk that the signature does not cover. */
  added: string[];
  /** Signed files (or shards) that are missing. */
  removed: string[];
  /** Signed files (or shards) whose content differs. */
  changed: string[];
}

/** DSSE pre-authentication encoding (DSSE v1). */
function pae(type: string, payload: Buffer): Buffer {
  const head = `DSSEv1 ${Buffer.byteLength(type)} ${type} ${payload.length} `;
  return Buffer.concat([Buffer.from(head, 'utf8'), payload]);
}

function ecKey(pem: string | Buffer): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (error) {
    throw new InputError('the public key is not a PEM public key', {
      code: 'MLW_ARTIFACT_KEY_INVALID',
      cause: error,
      hint: 'Pass the signer’s public key in PEM (SubjectPublicKeyInfo) form.',
    });
  }
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType !== 'ec' || curve === undefined || !(curve in CURVE_HASH)) {
    throw new InputError(
      `the public key is ${key.asymmetricKeyType} ${curve ?? ''}; model-signing key-based signatures use EC P-256, P-384 or P-521`,
      { code: 'MLW_ARTIFACT_KEY_INVALID' },
    );
  }
  return key;
}

/**
 * Verifies an OpenSSF model-signing (OMS) signature made with a key (`model_signing` key-based
 * signing): the Sigstore bundle's DSSE envelope signature over the in-toto statement, the
 * statement's root digest over its resources, and every resource against the files on disk
 * (same serialization: `files` or `shards`, sha256 or blake2b, the signed ignore paths plus the
 * signature file itself). Keyless (Fulcio certificate) bundles are refused with an InputError.
 */
export async function verifyModelSignature(
  dir: string,
  options: SignatureOptions,
): Promise<SignatureVerification> {
  const result: SignatureVerification = {
    verified: false,
    problems: [],
    added: [],
    removed: [],
    changed: [],
  };
  const key = ecKey(options.publicKey);
  const sigPath = options.signature ?? join(dir, 'model.sig');
  let bundle: z.infer<typeof bundleSchema>;
  try {
    const parsed = bundleSchema.safeParse(JSON.parse(await readFile(sigPath, 'utf8')));
    if (!parsed.success) throw new Error(parsed.error.issues[0]?.message);
    bundle = parsed.data;
  } catch (error) {
    throw new InputError(`${sigPath} is not a Sigstore bundle with a DSSE envelope`, {
      code: 'MLW_ARTIFACT_SIGNATURE_INVALID',
      cause: error,
      hint: 'Pass the model.sig written by model_signing (`model_signing sign key ...`).',
    });
  }
  const material = bundle.verificationMaterial;
  if (material?.certificate !== undefined || material?.x509CertificateChain !== undefined) {
    throw new InputError(`${sigPath} is a certificate-based (keyless) signature`, {
      code: 'MLW_ARTIFACT_SIGNATURE_UNSUPPORTED',
      hint: 'Only key-based model-signing signatures are verified; use `model_signing verify sigstore` for keyless ones.',
    });
  }
  const hint = material?.publicKey?.hint;
  const spki = key.export({ type: 'spki', format: 'pem' }) as string;
  const keyHint = createHash('sha256').update(spki).digest('hex');
  if (hint !== undefined && hint !== '' && hint !== keyHint) {
    result.problems.push('the signature names a different public key (hint mismatch)');
  }
  const envelope = bundle.dsseEnvelope;
  const payload = Buffer.from(envelope.payload, 'base64');
  if (envelope.payloadType !== PAYLOAD_TYPE) {
    result.problems.push(`payload type is ${envelope.payloadType}, not ${PAYLOAD_TYPE}`);
  }
  const hash = CURVE_HASH[key.asymmetricKeyDetails?.namedCurve ?? ''] as string;
  const signed = envelope.signatures.some((s) =>
    verify(hash, pae(envelope.payloadType, payload), key, Buffer.from(s.sig, 'base64')),
  );
  if (!signed) result.problems.push('the DSSE signature does not verify with this public key');
  let statement: z.infer<typeof statementSchema>;
  try {
    const parsed = statementSchema.safeParse(JSON.parse(payload.toString('utf8')));
    if (!parsed.success) throw new Error(parsed.error.issues[0]?.message);
    statement = parsed.data;
  } catch (error) {
    result.problems.push(
      `the payload is not an OMS in-toto statement: ${error instanceof Error ? error.message : error}`,
    );
    return result;
  }
  if (statement.predicateType !== PREDICATE_TYPE) {
    result.problems.push(`predicate type ${statement.predicateType} is not ${PREDICATE_TYPE}`);
    return result;
  }
  const subject = statement.subject.length === 1 ? statement.subject[0] : undefined;
  if (subject === undefined) {
    result.problems.push(`expected one subject, found ${statement.subject.length}`);
    return result;
  }
  result.modelName = subject.name;
  const ser = statement.predicate.serialization;
  result.method = ser.method;
  result.hashType = ser.hash_type;
  const root = createHash('sha256');
  for (const r of statement.predicate.resources) root.update(Buffer.from(r.digest, 'hex'));
  if (root.digest('hex') !== subject.digest.sha256) {
    result.problems.push('the subject digest does not match the signed resources');
  }
  const algorithm = nodeHash(ser.hash_type);
  if (algorithm === undefined) {
    result.problems.push(`hash type ${ser.hash_type} is not supported (sha256 and blake2b are)`);
    return result;
  }
  await compareResources(dir, sigPath, statement, algorithm, result);
  result.verified =
    result.problems.length === 0 &&
    result.added.length === 0 &&
    result.removed.length === 0 &&
    result.changed.length === 0;
  return result;
}

async function compareResources(
  dir: string,
  sigPath: string,
  statement: z.infer<typeof statementSchema>,
  algorithm: string,
  result: SignatureVerification,
): Promise<void> {
  const ser = statement.predicate.serialization;
  const ignore = [...(ser.ignore_paths ?? [])];
  const sigRel = relative(resolve(dir), resolve(sigPath));
  if (!sigRel.startsWith('..') && !sigRel.startsWith(sep)) ignore.push(sigRel.split(sep).join('/'));
  const tree = await listModelFiles(dir, ignore);
  if (tree.symlinks.length > 0) {
    result.problems.push(
      `symbolic links are not verified: ${tree.symlinks.map((s) => s.path).join(', ')}`,
    );
  }
  // Expected items on disk: whole files, or shards `path:start:end` of shard_size bytes.
  const items = new Map<string, { path: string; start?: number; end?: number }>();
  for (const f of tree.files) {
    if (isIgnored(f.path, ignore)) continue;
    if (ser.method === 'files') {
      items.set(f.path, { path: f.path });
      continue;
    }
    const step = ser.shard_size ?? 0;
    if (step <= 0) {
      result.problems.push('shard serialization without a shard_size');
      return;
    }
    // Empty files have no shards, as in model_signing.
    for (let start = 0; start < f.size; start += step) {
      const end = Math.min(f.size, start + step);
      items.set(`${f.path}:${start}:${end}`, { path: f.path, start, end });
    }
  }
  const signed = new Map(statement.predicate.resources.map((r) => [r.name, r]));
  for (const [name, item] of [...items].sort((a, b) => byPath(a[0], b[0]))) {
    const resource = signed.get(name);
    if (resource === undefined) {
      result.added.push(name);
      continue;
    }
    if (
      resource.algorithm !== ser.hash_type &&
      !resource.algorithm.startsWith(`${ser.hash_type}-sharded-`)
    ) {
      result.problems.push(`${name} is signed with ${resource.algorithm}, not ${ser.hash_type}`);
    }
    const range =
      item.start !== undefined && item.end !== undefined
        ? { start: item.start, end: item.end }
        : undefined;
    if ((await hashFile(dir, item.path, algorithm, range)) !== resource.digest) {
      result.changed.push(name);
    }
  }
  result.removed = [...signed.keys()].filter((name) => !items.has(name)).sort(byPath);
}
