import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_FILES } from '../scan/_test-corpus.js';
import { Bzip2Decoder } from './_bzip2.js';
import { CorruptDataError, decodeStream, type IncrementalDecoder } from './_incremental.js';
import { Lz4FrameDecoder } from './_lz4.js';
import { LzmaAloneDecoder, XzDecoder } from './_lzma.js';

async function* chunks(bytes: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function decode(
  bytes: Uint8Array,
  decoder: IncrementalDecoder,
  size = 4096,
): Promise<Buffer> {
  const out: Uint8Array[] = [];
  for await (const c of decodeStream(chunks(bytes, size), decoder)) out.push(c);
  return Buffer.concat(out);
}

const corpus = (name: string) => new Uint8Array(readFileSync(join(CORPUS_FILES, name)));
const plain = corpus('benign/sklearn-rf.joblib');

const cases: [string, () => IncrementalDecoder][] = [
  ['benign/sklearn-rf.bz2.joblib', () => new Bzip2Decoder()],
  ['benign/sklearn-rf.xz.joblib', () => new XzDecoder()],
  ['benign/sklearn-rf.lzma.joblib', () => new LzmaAloneDecoder()],
  ['benign/sklearn-rf.lz4.joblib', () => new Lz4FrameDecoder()],
];

describe('decoders on files written by joblib (bzip2, xz, lzma, lz4)', () => {
  it.each(cases)(
    '%s decodes to the same pickle as the uncompressed joblib file',
    async (name, make) => {
      for (const size of [1, 997, 65536, 1 << 22]) {
        const out = await decode(corpus(name), make(), size);
        expect(out.equals(Buffer.from(plain)), `chunk size ${size}`).toBe(true);
      }
    },
  );

  it.each(cases)('%s: truncated input is an error, never silent', async (name, make) => {
    const bytes = corpus(name);
    for (const cut of [1, 10, Math.floor(bytes.length / 2), bytes.length - 5]) {
      await expect(decode(bytes.subarray(0, cut), make())).rejects.toBeInstanceOf(CorruptDataError);
    }
  });

  it.each(cases)(
    '%s: corrupted input ends in an error or different output, within bounded time',
    async (name, make) => {
      const bytes = Uint8Array.from(corpus(name));
      let seed = 7;
      for (let round = 0; round < 40; round++) {
        const mutated = Uint8Array.from(bytes);
        for (let k = 0; k < 4; k++) {
          seed = (seed * 1103515245 + 12345) >>> 0;
          const at = 6 + (seed % (mutated.length - 6));
          mutated[at] = (mutated[at] as number) ^ (1 + ((seed >>> 24) % 255));
        }
        try {
          const out = await decode(mutated, make());
          expect(out.length).toBeLessThan(64 * 1024 * 1024);
        } catch (error) {
          expect(error).toBeInstanceOf(CorruptDataError);
        }
      }
    },
  );

  it('stops producing when the caller stops reading (output is bounded per chunk)', async () => {
    const it = decodeStream(
      chunks(corpus('benign/sklearn-rf.xz.joblib'), 1 << 20),
      new XzDecoder(),
    )[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.done).toBe(false);
    expect((first.value as Uint8Array).length).toBeLessThanOrEqual(1024 * 1024);
    await it.return?.();
  });

  it('rejects xz filters it does not implement instead of guessing', async () => {
    // Stream header, then a block header naming the x86 BCJ filter (0x04) before LZMA2.
    const header = Uint8Array.from([
      0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x04, 0xe6, 0xd6, 0xb4, 0x46,
    ]);
    const block = Uint8Array.from([0x03, 0x01, 0x04, 0x00, 0x21, 0x01, 0x16, 0x00, 0, 0, 0, 0]);
    const bytes = Uint8Array.from([...header, ...block, 0, 0, 0, 0]);
    await expect(decode(bytes, new XzDecoder())).rejects.toThrow(/not supported/);
  });
});
