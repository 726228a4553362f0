import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_FILES } from '../scan/_test-corpus.js';
import { readMember } from './_test-zip.js';
import { memberContent, readZipDirectory } from './_zip-reader.js';

function open(name: string) {
  const bytes = new Uint8Array(readFileSync(join(CORPUS_FILES, name)));
  const read = async (s: number, e: number) => bytes.subarray(s, Math.min(e, bytes.length));
  return { bytes, read };
}

async function content(name: string, member: string): Promise<Buffer> {
  const found = await readMember(open(name).bytes, member);
  if (found === undefined) throw new Error(`no ${member}`);
  return found;
}

describe('readZipDirectory', () => {
  it('lists the members PyTorch wrote, with zip64 extra fields', async () => {
    const { bytes, read } = open('benign/torch-state-dict.pt');
    const dir = await readZipDirectory(read, bytes.length, 1000);
    expect(dir.entries.map((e) => e.name)).toContain('archive/data.pkl');
    expect(dir.anomalies).toEqual([]);
    expect(dir.problems).toEqual([]);
  });

  it('reports a local/central name mismatch and still reads the data', async () => {
    const { bytes, read } = open('malicious/b03-name-mismatch.zip');
    const dir = await readZipDirectory(read, bytes.length, 1000);
    expect(dir.anomalies.map((a) => a.kind)).toContain('name-mismatch');
    expect(dir.entries.find((e) => e.name === 'archive/data.pkl')?.localName).toBe(
      'archive/datap.kl',
    );
    expect(
      (await content('malicious/b03-name-mismatch.zip', 'archive/data.pkl')).subarray(0, 2),
    ).toEqual(Buffer.from([0x80, 0x02]));
  });

  it('corrects offsets for prepended data and reports it', async () => {
    const { bytes, read } = open('malicious/zip-prepended-data.zip');
    const dir = await readZipDirectory(read, bytes.length, 1000);
    expect(dir.anomalies.map((a) => a.kind)).toContain('prepended-data');
    expect(dir.entries[0]?.localHeaderOffset).toBeGreaterThan(0);
  });

  it('finds members the central directory does not list', async () => {
    const { bytes, read } = open('malicious/zip-unlisted-member.zip');
    const dir = await readZipDirectory(read, bytes.length, 1000);
    expect(dir.entries.filter((e) => e.unlisted).map((e) => e.name)).toEqual([
      'archive/hidden.pkl',
    ]);
    expect(dir.anomalies.map((a) => a.kind)).toContain('unlisted-member');
  });

  it('reports flag bits, duplicate names and zip64 records', async () => {
    for (const [name, kind] of [
      ['malicious/b04-flag-0x20.zip', 'flag-bits'],
      ['malicious/zip-duplicate-names.zip', 'duplicate-name'],
    ] as const) {
      const { bytes, read } = open(name);
      expect(
        (await readZipDirectory(read, bytes.length, 1000)).anomalies.map((a) => a.kind),
      ).toContain(kind);
    }
    const { bytes, read } = open('malicious/zip64.zip');
    expect((await readZipDirectory(read, bytes.length, 1000)).zip64).toBe(true);
  });

  it('reads members by local headers when the central directory is cut off', async () => {
    const { bytes, read } = open('malformed/truncated-zip.pt');
    const dir = await readZipDirectory(read, bytes.length, 1000);
    expect(dir.anomalies.map((a) => a.kind)).toContain('no-central-directory');
    expect(dir.entries.map((e) => e.name)).toContain('archive/data.pkl');
  });

  it('caps the number of entries', async () => {
    const { bytes, read } = open('benign/torch-torchscript.pt');
    const dir = await readZipDirectory(read, bytes.length, 3);
    expect(dir.entries.length).toBeLessThanOrEqual(3);
    expect(dir.problems.join()).toMatch(/maxEntries/);
  });

  it('stops a member at its output limit and reports a CRC for complete reads', async () => {
    const { bytes, read } = open('malformed/compression-bomb.zip');
    const dir = await readZipDirectory(read, bytes.length, 10);
    const entry = dir.entries[0];
    if (entry === undefined) throw new Error('no entry');
    let limited = '';
    let total = 0;
    for await (const c of memberContent(read, bytes.length, entry, {
      maxBytes: 1_000_000,
      onLimit: (r) => {
        limited = r;
      },
      onError: () => undefined,
    })) {
      total += c.length;
    }
    expect(total).toBe(1_000_000);
    expect(limited).toMatch(/more than 1000000 bytes/);
  });
});
