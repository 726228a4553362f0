import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { ArtifactFile } from '@mlwarden/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_FILES } from './_test-corpus.js';
import { memoryArtifactFile } from './memory-artifact-file.js';
import { localArtifactFile, scanArtifactFile, scanFile } from './scan-file.js';

const corpus = (name: string) => join(CORPUS_FILES, name);
let work: string;
let big: string;
const BIG = 96 * 1024 * 1024;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'mlwarden-scan-'));
  big = join(work, 'big.pkl');
  // PROTO 4, BINBYTES8 of 96 MiB of zeros, STOP: a large but harmless pickle.
  const out = createWriteStream(big);
  const header = Buffer.alloc(11);
  header.set([0x80, 0x04, 0x8e]);
  header.writeBigUInt64LE(BigInt(BIG), 3);
  out.write(header);
  const zeros = Buffer.alloc(8 * 1024 * 1024);
  for (let i = 0; i < BIG / zeros.length; i++) out.write(zeros);
  out.end(Buffer.from([0x2e]));
  await new Promise<void>((resolve, reject) =>
    out.on('finish', () => resolve()).on('error', reject),
  );
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('scanFile streaming', () => {
  it('scans a large file in bounded reads, never buffering it whole', async () => {
    const file = await localArtifactFile(big, 'big.pkl');
    let largest = 0;
    let total = 0;
    const watched: ArtifactFile = {
      ...file,
      read: async (start, end) => {
        const bytes = await file.read(start, end);
        largest = Math.max(largest, bytes.length);
        total += bytes.length;
        return bytes;
      },
    };
    const result = await scanArtifactFile(watched);
    expect(result.verdict).toBe('clean');
    expect(result.files[0]?.formats).toEqual(['pickle']);
    expect(largest).toBeLessThanOrEqual(1024 * 1024);
    expect(total).toBeGreaterThanOrEqual(BIG);
  });
});

describe('scan limits make a file incomplete, never clean', () => {
  it('maxFileBytes: the file is not read at all', async () => {
    const r = await scanFile(big, { limits: { maxFileBytes: 1024 } });
    expect(r.verdict).toBe('incomplete');
    expect(r.findings.map((f) => f.rule)).toEqual(['scan-limit']);
  });

  it('maxPickleStreamBytes', async () => {
    const r = await scanFile(big, { limits: { maxPickleStreamBytes: 1024 * 1024 } });
    expect(r.verdict).toBe('incomplete');
    expect(r.reasons.join()).toMatch(/longer than 1048576 bytes/);
  });

  it('maxEntries', async () => {
    const r = await scanFile(corpus('benign/torch-torchscript.pt'), { limits: { maxEntries: 3 } });
    expect(r.verdict).toBe('incomplete');
    expect(r.reasons.join()).toMatch(/maxEntries/);
  });

  it('maxDecompressedBytes', async () => {
    const r = await scanFile(corpus('benign/sklearn-rf.gzip.joblib'), {
      limits: { maxDecompressedBytes: 1000 },
    });
    expect(r.verdict).toBe('incomplete');
    expect(r.reasons.join()).toMatch(/maxDecompressedBytes/);
  });

  it('maxCompressionRatio', async () => {
    const gz = memoryArtifactFile('big.pkl.gz', gzipSync(readFileSync(big), { level: 1 }));
    expect((await scanArtifactFile(gz)).verdict).toBe('clean');
    const r = await scanArtifactFile(gz, { limits: { maxCompressionRatio: 10 } });
    expect(r.verdict).toBe('incomplete');
    expect(r.findings.map((f) => f.rule)).toContain('scan-limit');
    const bomb = await scanFile(corpus('malformed/compression-bomb.zip'), {
      limits: { maxCompressionRatio: 5000 },
    });
    expect(bomb.verdict).toBe('clean');
  });

  it('maxDepth', async () => {
    const r = await scanFile(corpus('malicious/b31-nested-zip.zip'), { limits: { maxDepth: 1 } });
    expect(r.verdict).toBe('incomplete');
    expect(r.reasons.join()).toMatch(/maxDepth/);
  });

  it('maxBufferedBytes: a zip inside a gzip stream needs random access', async () => {
    const zipped = gzipSync(readFileSync(corpus('malicious/b02-wrong-ext.zip')));
    const ok = await scanArtifactFile(memoryArtifactFile('model.zip.gz', zipped));
    expect(ok.maxSeverity).toBe('critical');
    const limited = await scanArtifactFile(memoryArtifactFile('model.zip.gz', zipped), {
      limits: { maxBufferedBytes: 100 },
    });
    expect(limited.verdict).toBe('incomplete');
  });

  it('maxStackDepth and maxMemoEntries', async () => {
    const deep = await scanFile(corpus('malformed/deep-marks.pkl'), {
      limits: { maxStackDepth: 1000 },
    });
    expect(deep.verdict).toBe('incomplete');
    const memo = await scanFile(corpus('benign/sklearn-rf-p4.pkl'), {
      limits: { maxMemoEntries: 10 },
    });
    expect(memo.verdict).toBe('incomplete');
  });

  it('a cancelled scan is incomplete', async () => {
    const controller = new AbortController();
    controller.abort();
    const r = await scanFile(corpus('benign/sklearn-rf-p4.pkl'), { signal: controller.signal });
    expect(r.verdict).toBe('incomplete');
  });

  it('unreadable files are errors with the reason', async () => {
    const r = await scanFile(join(work, 'missing.pkl')).catch((e: unknown) => e);
    expect(r).toBeInstanceOf(Error);
    const broken: ArtifactFile = {
      ...memoryArtifactFile('x.pkl', new Uint8Array(10)),
      read: async () => Promise.reject(new Error('disk on fire')),
    };
    const result = await scanArtifactFile(broken);
    expect(result.verdict).toBe('error');
    expect(result.reasons.join()).toMatch(/disk on fire/);
  });
});

describe('scan options', () => {
  it('strict mode raises unlisted imports to high; allow clears them', async () => {
    const bytes = new Uint8Array([
      0x80,
      0x02,
      ...Buffer.from('cmypkg.models\nNet\n'),
      0x29,
      0x81,
      0x2e,
    ]);
    const plain = await scanArtifactFile(memoryArtifactFile('m.pkl', bytes));
    expect(plain.maxSeverity).toBe('medium');
    const strict = await scanArtifactFile(memoryArtifactFile('m.pkl', bytes), { strict: true });
    expect(strict.maxSeverity).toBe('high');
    const allowed = await scanArtifactFile(memoryArtifactFile('m.pkl', bytes), {
      allow: ['mypkg.models.Net'],
    });
    expect(allowed.verdict).toBe('clean');
  });
});

describe('a limit in a pickle without PROTO magic', () => {
  it('still makes the file incomplete (the payload may lie beyond the limit)', async () => {
    // Protocol 1: no PROTO opcode. 5,000 NONEs, then a payload.
    const body = [...new Array(5000).fill(0x4e), ...Buffer.from('cos\nsystem\n(Vx\ntR.')];
    const file = memoryArtifactFile('p1.pkl', Uint8Array.from(body));
    expect((await scanArtifactFile(file)).maxSeverity).toBe('critical');
    const limited = await scanArtifactFile(file, { limits: { maxOpcodes: 1000 } });
    expect(limited.verdict).toBe('incomplete');
  });
});
