import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_FILES } from '../scan/_test-corpus.js';
import { memoryArtifactFile } from '../scan/memory-artifact-file.js';
import { scanArtifactFile, scanFile } from '../scan/scan-file.js';
import type { ScanResult } from '../scan/scan-result.js';
import { concat } from '../scan/source.js';
import { isSevenZip, MAX_7Z_SEARCH_BYTES, parseHeader, SevenZipError } from './_7z-header.js';
import type { FormatHandler } from './format-handler.js';
import { sevenZipFormat } from './seven-zip-format.js';

const corpus = (name: string) => new Uint8Array(readFileSync(join(CORPUS_FILES, name)));

/** Scans with the 7z handler plus one that keeps every member's bytes. */
async function members(bytes: Uint8Array): Promise<Map<string, Buffer>> {
  const seen = new Map<string, Buffer>();
  const capture: FormatHandler = {
    format: 'capture',
    sniff: () => 'start',
    async scan(source, unit) {
      const chunks: Uint8Array[] = [];
      for await (const c of source.stream()) chunks.push(c);
      if (unit.member !== undefined) seen.set(unit.member, Buffer.from(concat(chunks)));
    },
  };
  await scanArtifactFile(memoryArtifactFile('t.7z', bytes), {
    handlers: [sevenZipFormat, capture],
  });
  return seen;
}

function scanBytes(bytes: Uint8Array, limits = {}): Promise<ScanResult> {
  return scanArtifactFile(memoryArtifactFile('t.7z', bytes), { limits });
}

function noInternalError(r: ScanResult): void {
  expect(r.reasons.filter((x) => x.includes('internal error'))).toEqual([]);
}

/** A 7z file: signature header pointing at `header` placed right after it. */
function sevenZip(header: Uint8Array, headerSize = header.length): Uint8Array {
  const sig = new Uint8Array(32);
  sig.set([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4]);
  const view = new DataView(sig.buffer);
  view.setBigUint64(12, 0n, true);
  view.setBigUint64(20, BigInt(headerSize), true);
  return concat([sig, header]);
}

describe('7z coders on archives written by py7zr', () => {
  it('Copy, LZMA, LZMA2, BCJ+LZMA2, Deflate and BZip2 all decode to the same members', async () => {
    const expected = await members(corpus('benign/7z/codec-copy.7z'));
    expect(expected.get('payload.bin')?.length).toBeGreaterThan(160 * 1024);
    expect(expected.get('payload.bin')?.subarray(0, 8).toString('latin1')).toBe('\xfe\xfeMLWARD');
    for (const codec of ['lzma', 'lzma2', 'bcj-lzma2', 'deflate', 'bzip2']) {
      const got = await members(corpus(`benign/7z/codec-${codec}.7z`));
      expect([...got.keys()], codec).toEqual(['payload.bin', 'second.bin']);
      for (const [name, bytes] of expected) expect(got.get(name)?.equals(bytes), codec).toBe(true);
    }
  });

  it('streams members of folders too large to keep in memory, with the same result', async () => {
    const bytes = corpus('benign/7z/codec-bcj-lzma2.7z');
    const big = await scanBytes(bytes, { maxBufferedBytes: 1024 });
    expect(big.verdict).toBe('clean');
    const evil = await scanBytes(corpus('malicious/7z/b08-nullifai.7z'), { maxBufferedBytes: 16 });
    expect(evil.findings.some((f) => f.module === 'os' && f.name === 'system')).toBe(true);
  });
});

describe('the nullifAI shape', () => {
  it('finds the payload before the break in a PyTorch archive packed as 7z', async () => {
    const r = await scanFile(join(CORPUS_FILES, 'malicious/7z/b08-nullifai.7z'));
    expect(r.files[0]?.formats).toEqual(['7z', 'pytorch-7z']);
    const hit = r.findings.find((f) => f.module === 'os' && f.name === 'system');
    expect(hit?.member).toBe('model/data.pkl');
    expect(hit?.severity).toBe('critical');
    expect(r.findings.some((f) => f.rule === 'malformed-pickle')).toBe(true);
    expect(r.verdict).toBe('incomplete');
  });
});

describe('7z files the scanner cannot decode are never clean', () => {
  it.each([
    ['malicious/7z/encrypted.7z', 'encrypted-member'],
    ['malicious/7z/encrypted-header.7z', 'encrypted-member'],
    ['malicious/7z/ppmd.7z', 'archive-anomaly'],
  ])('%s is incomplete (%s)', async (name, rule) => {
    const r = await scanFile(join(CORPUS_FILES, name));
    expect(r.verdict).toBe('incomplete');
    expect(r.findings.some((f) => f.rule === rule)).toBe(true);
    expect(r.reasons.length).toBeGreaterThan(0);
  });
});

describe('bad 7z input', () => {
  const whole = corpus('malicious/7z/b08-nullifai-lzma.7z');

  it('every truncation of a real archive is incomplete or an error, never clean', async () => {
    for (let cut = 6; cut < whole.length; cut += 7) {
      const r = await scanBytes(whole.subarray(0, cut));
      expect(r.verdict, `cut at ${cut}`).not.toBe('clean');
      noInternalError(r);
    }
  });

  it('corrupt packed data makes the member incomplete', async () => {
    const bytes = corpus('benign/7z/codec-lzma2.7z').slice();
    for (let i = 200; i < 260; i++) bytes[i] = (bytes[i] as number) ^ 0x5a;
    const r = await scanBytes(bytes);
    expect(r.verdict).toBe('incomplete');
    noInternalError(r);
  });

  it('an enormous declared header is a scan limit, not an allocation', async () => {
    const r = await scanBytes(sevenZip(new Uint8Array([1, 0]), 2 ** 40));
    expect(r.verdict).toBe('incomplete');
    expect(r.findings.some((f) => f.rule === 'scan-limit')).toBe(true);
  });

  it('a header that unpacks to itself stops after a few levels', async () => {
    // kEncodedHeader: one packed stream at offset 0 (the header itself), Copy coder, same size.
    const size = 18;
    const header = new Uint8Array([
      0x17,
      0x06,
      0x00,
      0x01,
      0x09,
      size,
      0x00,
      0x07,
      0x0b,
      0x01,
      0x00,
      0x01,
      0x01,
      0x00,
      0x0c,
      size,
      0x00,
      0x00,
    ]);
    const r = await scanBytes(sevenZip(header));
    expect(r.verdict).toBe('incomplete');
    expect(r.reasons.join(' ')).toMatch(/packed more than 4 times/);
  });

  it('counts larger than the header are refused before anything is allocated', () => {
    // kHeader, kFilesInfo, NumFiles = 2^48 (0xFE + 7 bytes), kEnd.
    const header = new Uint8Array([0x01, 0x05, 0xfe, 0, 0, 0, 0, 0, 0, 1, 0x00, 0x00]);
    expect(() => parseHeader(header, 200_000)).toThrow(SevenZipError);
    expect(() => parseHeader(new Uint8Array([0x01, 0x04, 0x06]), 10)).toThrow(/ends early/);
  });

  it('more files than maxEntries make the archive incomplete', async () => {
    const r = await scanBytes(corpus('benign/7z/codec-copy.7z'), { maxEntries: 1 });
    expect(r.verdict).toBe('incomplete');
    expect(r.reasons.join(' ')).toMatch(/file count 2 is more than 1/);
  });

  it('a plain header with an unknown property is reported, not crashed on', async () => {
    const r = await scanBytes(sevenZip(new Uint8Array([0x01, 0x33, 0x00])));
    expect(r.verdict).toBe('incomplete');
    expect(r.findings[0]?.rule).toBe('archive-anomaly');
  });

  it('only the exact signature is sniffed', () => {
    expect(isSevenZip(new Uint8Array([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]))).toBe(true);
    expect(isSevenZip(new Uint8Array([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1d]))).toBe(false);
    expect(isSevenZip(new Uint8Array([0x37, 0x7a]))).toBe(false);
  });
});

describe('7z after prepended data (self-extracting archives)', () => {
  const sfx = corpus('benign/7z/sfx-torch-state-dict.exe');
  const STUB = 96 * 1024;
  const stub = sfx.subarray(0, STUB);
  const archive = sfx.subarray(STUB);
  const claimed = (r: ScanResult) => r.files[0]?.formats.includes('7z') === true;
  const anomaly = (r: ScanResult) =>
    r.findings.find((f) => f.rule === 'archive-anomaly' && f.evidence.anomaly === 'prepended-data');

  it('scans a malicious archive behind an executable stub and reports where it starts', async () => {
    const r = await scanFile(join(CORPUS_FILES, 'malicious/7z/sfx-nullifai.exe'));
    expect(r.files[0]?.formats).toEqual(['7z', 'pytorch-7z']);
    const hit = r.findings.find((f) => f.module === 'os' && f.name === 'system');
    expect(hit?.member).toBe('model/data.pkl');
    expect(hit?.severity).toBe('critical');
    expect(anomaly(r)?.evidence.offset).toBe(STUB);
    expect(anomaly(r)?.offset).toBe(STUB);
  });

  it('a benign archive behind a stub gives the anomaly only', async () => {
    expect(isSevenZip(archive)).toBe(true);
    const r = await scanBytes(sfx);
    expect(r.verdict).toBe('findings');
    expect(r.findings.map((f) => f.rule)).toEqual(['archive-anomaly']);
    expect(r.maxSeverity).toBe('low');
    // The same members as the archive on its own.
    const alone = await scanBytes(archive);
    expect(alone.verdict).toBe('clean');
    expect(r.files.map((f) => f.member)).toEqual(alone.files.map((f) => f.member));
  });

  it('finds an archive behind any data within the head', async () => {
    const r = await scanFile(join(CORPUS_FILES, 'malicious/7z/prepended-text-nullifai.7z'));
    expect(anomaly(r)?.evidence.offset).toBe(3490);
    expect(r.findings.some((f) => f.module === 'os' && f.name === 'system')).toBe(true);
  });

  it('the stub alone, which holds the signature bytes, is not taken for a 7z', async () => {
    const at = Buffer.from(stub).indexOf(Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]));
    expect(at).toBeGreaterThan(0);
    expect(claimed(await scanBytes(stub))).toBe(false);
  });

  it('a start header whose CRC does not match is not claimed after a stub', async () => {
    for (const at of [8, 12, 20, 31]) {
      const bad = concat([stub, archive]);
      bad[STUB + at] = (bad[STUB + at] as number) ^ 0x01;
      const r = await scanBytes(bad);
      expect(claimed(r), `byte ${at} changed`).toBe(false);
    }
  });

  it('looks no further than the search window, and anywhere within it', async () => {
    const mz = (n: number) => {
      const s = new Uint8Array(n);
      s.set(stub.subarray(0, 1024));
      return s;
    };
    const beyond = await scanBytes(concat([mz(MAX_7Z_SEARCH_BYTES), archive]));
    expect(claimed(beyond)).toBe(false);
    // Read windows start after the head and overlap by 31 bytes: headers across a boundary.
    const boundary = 64 * 1024 - 31 + 1024 * 1024;
    for (const n of [
      boundary - 20,
      boundary - 1,
      boundary,
      boundary + 5,
      MAX_7Z_SEARCH_BYTES - 1,
    ]) {
      const r = await scanBytes(concat([mz(n), archive]));
      expect(anomaly(r)?.evidence.offset, `stub of ${n}`).toBe(n);
      expect(r.verdict, `stub of ${n}`).toBe('findings');
    }
  });

  it('past the head, only data starting like an executable is searched', async () => {
    const text = new Uint8Array(STUB).fill(0x78);
    expect(claimed(await scanBytes(concat([text, archive])))).toBe(false);
    for (const magic of [
      [0x7f, 0x45, 0x4c, 0x46],
      [0x23, 0x21],
      [0xcf, 0xfa, 0xed, 0xfe],
    ]) {
      const exe = text.slice();
      exe.set(magic);
      expect(claimed(await scanBytes(concat([exe, archive]))), String(magic)).toBe(true);
    }
  });

  it('a truncated archive behind a stub is incomplete, never clean', async () => {
    for (const keep of [40, archive.length >> 1, archive.length - 1]) {
      const r = await scanBytes(concat([stub, archive.subarray(0, keep)]));
      expect(claimed(r), `keep ${keep}`).toBe(true);
      expect(r.verdict, `keep ${keep}`).toBe('incomplete');
      noInternalError(r);
    }
  });
});
