import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyModelSignature } from './verify-model-signature.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..', '..');
const signScript = join(here, '..', '..', 'test', 'sign-model.py');
let python: string;
let work: string;
let keys: string;

/** A fresh model directory signed by the real model_signing package. */
function signedModel(name: string, shards = 0): string {
  const dir = join(work, name);
  mkdirSync(join(dir, 'weights'), { recursive: true });
  writeFileSync(join(dir, 'config.json'), '{"layers": 3}\n');
  writeFileSync(
    join(dir, 'weights', 'w.bin'),
    Buffer.from(Array.from({ length: 2500 }, (_, i) => i % 251)),
  );
  writeFileSync(join(dir, 'empty.txt'), '');
  const args = [signScript, keys, dir, ...(shards > 0 ? ['--shards', String(shards)] : [])];
  execFileSync(python, args, { stdio: 'pipe' });
  return dir;
}

beforeAll(() => {
  const venv = execFileSync(join(root, 'scripts', 'py-venv'), ['artifacts-signing'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
    .toString()
    .trim();
  python = join(venv, 'bin', 'python');
  work = mkdtempSync(join(tmpdir(), 'mlw-oms-'));
  keys = join(work, 'keys');
  mkdirSync(keys);
}, 600_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

const publicKey = () => readFileSync(join(keys, 'public.pem'));

describe('verifyModelSignature (model_signing key-based signatures)', () => {
  it('verifies an untouched model', async () => {
    const dir = signedModel('ok');
    const r = await verifyModelSignature(dir, { publicKey: publicKey() });
    expect(r).toMatchObject({ verified: true, problems: [], added: [], removed: [], changed: [] });
    expect(r.modelName).toBe('ok');
    expect(r.method).toBe('files');
  });

  it('reports a tampered, an added and a removed file', async () => {
    const dir = signedModel('tampered');
    writeFileSync(join(dir, 'config.json'), '{"layers": 4}\n');
    writeFileSync(join(dir, 'weights', 'extra.pkl'), 'x');
    rmSync(join(dir, 'empty.txt'));
    const r = await verifyModelSignature(dir, { publicKey: publicKey() });
    expect(r.verified).toBe(false);
    expect(r.problems).toEqual([]);
    expect(r.changed).toEqual(['config.json']);
    expect(r.added).toEqual(['weights/extra.pkl']);
    expect(r.removed).toEqual(['empty.txt']);
  });

  it('rejects a signature checked with another key', async () => {
    const dir = signedModel('wrong-key');
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
      type: 'spki',
      format: 'pem',
    });
    const r = await verifyModelSignature(dir, { publicKey: other });
    expect(r.verified).toBe(false);
    expect(r.problems).toContain('the DSSE signature does not verify with this public key');
    expect(r.problems).toContain('the signature names a different public key (hint mismatch)');
  });

  it('rejects a statement edited after signing', async () => {
    const dir = signedModel('edited');
    const sigPath = join(dir, 'model.sig');
    const bundle = JSON.parse(readFileSync(sigPath, 'utf8'));
    const statement = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString());
    statement.predicate.resources.pop();
    bundle.dsseEnvelope.payload = Buffer.from(JSON.stringify(statement)).toString('base64');
    writeFileSync(sigPath, JSON.stringify(bundle));
    const r = await verifyModelSignature(dir, { publicKey: publicKey() });
    expect(r.verified).toBe(false);
    expect(r.problems).toContain('the DSSE signature does not verify with this public key');
    expect(r.problems).toContain('the subject digest does not match the signed resources');
  });

  it('verifies shard serialization and pinpoints the changed shard', async () => {
    const dir = signedModel('shards', 1024);
    let r = await verifyModelSignature(dir, { publicKey: publicKey() });
    expect(r).toMatchObject({ verified: true, method: 'shards' });
    const bytes = readFileSync(join(dir, 'weights', 'w.bin'));
    bytes[2100] = (bytes[2100] as number) ^ 1;
    writeFileSync(join(dir, 'weights', 'w.bin'), bytes);
    r = await verifyModelSignature(dir, { publicKey: publicKey() });
    expect(r.verified).toBe(false);
    expect(r.changed).toEqual(['weights/w.bin:2048:2500']);
  });

  it('refuses a keyless (certificate) bundle instead of half-verifying it', async () => {
    const dir = signedModel('keyless');
    const sigPath = join(dir, 'model.sig');
    const bundle = JSON.parse(readFileSync(sigPath, 'utf8'));
    bundle.verificationMaterial = { certificate: { rawBytes: 'MIIB' }, tlogEntries: [] };
    writeFileSync(sigPath, JSON.stringify(bundle));
    await expect(verifyModelSignature(dir, { publicKey: publicKey() })).rejects.toMatchObject({
      code: 'MLW_ARTIFACT_SIGNATURE_UNSUPPORTED',
    });
  });

  it('refuses a key that is not EC', async () => {
    const dir = signedModel('rsa');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({
      type: 'spki',
      format: 'pem',
    });
    await expect(verifyModelSignature(dir, { publicKey: rsa })).rejects.toMatchObject({
      code: 'MLW_ARTIFACT_KEY_INVALID',
    });
  });
});
