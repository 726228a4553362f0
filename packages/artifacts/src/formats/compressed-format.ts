import { Readable } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';
import { Bzip2Decoder } from '../decompress/_bzip2.js';
import {
  CorruptDataError,
  decodeStream,
  type IncrementalDecoder,
} from '../decompress/_incremental.js';
import { Lz4FrameDecoder } from '../decompress/_lz4.js';
import { LzmaAloneDecoder, XzDecoder } from '../decompress/_lzma.js';
import type { ScanContext } from '../scan/scan-context.js';
import type { ScanUnit } from '../scan/scan-unit.js';
import { type Source, sourceFromStreamFactory } from '../scan/source.js';
import type { FormatHandler } from './format-handler.js';

type Codec = 'gzip' | 'zlib' | 'zlib-zf' | 'bzip2' | 'xz' | 'lzma' | 'lz4';

/** Which whole-file compression (joblib's compressors, `.gz` bundles) the head shows, if any. */
export function sniffCodec(h: Uint8Array): Codec | undefined {
  const b = (i: number) => h[i] as number;
  if (h.length < 4) return undefined;
  if (b(0) === 0x1f && b(1) === 0x8b && b(2) === 8) return 'gzip';
  if (b(0) === 0x78 && (b(1) & 0x20) === 0 && (b(0) * 256 + b(1)) % 31 === 0) return 'zlib';
  if (b(0) === 0x5a && b(1) === 0x46 && b(2) === 0x30 && b(3) === 0x78) return 'zlib-zf';
  if (b(0) === 0x42 && b(1) === 0x5a && b(2) === 0x68 && b(3) >= 0x31 && b(3) <= 0x39)
    return 'bzip2';
  if ([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00].every((m, i) => h[i] === m)) return 'xz';
  if (b(0) === 0x04 && b(1) === 0x22 && b(2) === 0x4d && b(3) === 0x18) return 'lz4';
  if (h.length >= 13 && b(0) === 0x5d && b(1) === 0x00) {
    const dict = b(1) + b(2) * 256 + b(3) * 65536 + b(4) * 16777216;
    const sizeHi = b(9) + b(10) * 256 + b(11) * 65536 + b(12) * 16777216;
    const unknownSize = [5, 6, 7, 8, 9, 10, 11, 12].every((i) => h[i] === 0xff);
    if (dict >= 4096 && dict <= 2 ** 30 && (unknownSize || sizeHi < 0x10000)) return 'lzma';
  }
  return undefined;
}

/** joblib's legacy `ZF` header: `ZF` + the hex length left-justified in 19 bytes. */
const ZF_HEADER = 2 + 19;

function nodeStream(
  codec: 'gzip' | 'zlib',
  input: AsyncIterable<Uint8Array>,
): AsyncIterable<Uint8Array> {
  const z = codec === 'gzip' ? createGunzip() : createInflate();
  return Readable.from(input).pipe(z) as AsyncIterable<Uint8Array>;
}

function decoderFor(codec: Exclude<Codec, 'gzip' | 'zlib' | 'zlib-zf'>): IncrementalDecoder {
  switch (codec) {
    case 'bzip2':
      return new Bzip2Decoder();
    case 'xz':
      return new XzDecoder();
    case 'lzma':
      return new LzmaAloneDecoder();
    case 'lz4':
      return new Lz4FrameDecoder();
  }
}

function decompressed(source: Source, codec: Codec): AsyncIterable<Uint8Array> {
  if (codec === 'gzip' || codec === 'zlib') return nodeStream(codec, source.stream());
  if (codec === 'zlib-zf') return nodeStream('zlib', source.stream(ZF_HEADER));
  return decodeStream(source.stream(), decoderFor(codec));
}

/** Bounds decompressed output by the ratio and the per-file budget; reports corrupt data. */
async function* bounded(
  input: AsyncIterable<Uint8Array>,
  codec: Codec,
  source: Source,
  unit: ScanUnit,
  ctx: ScanContext,
): AsyncIterable<Uint8Array> {
  const cap =
    source.size === undefined
      ? Number.POSITIVE_INFINITY
      : Math.max(1024 * 1024, source.size * ctx.limits.maxCompressionRatio);
  let produced = 0;
  try {
    for await (const chunk of input) {
      produced += chunk.length;
      if (produced > cap) {
        unit.report({
          rule: 'scan-limit',
          severity: 'low',
          message: `${codec} data expands more than ${ctx.limits.maxCompressionRatio} times (maxCompressionRatio); the rest was not scanned`,
          evidence: { limit: 'maxCompressionRatio' },
        });
        unit.incomplete(`${codec} data expands beyond maxCompressionRatio`);
        return;
      }
      if (!ctx.spendDecompressed(chunk.length)) {
        unit.incomplete(
          `more than maxDecompressedBytes (${ctx.limits.maxDecompressedBytes}) decompressed`,
        );
        return;
      }
      yield chunk;
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const unsupported = error instanceof CorruptDataError && /not supported/.test(message);
    unit.report({
      rule: 'archive-anomaly',
      severity: 'low',
      message: `${codec} data ${unsupported ? 'uses a feature the scanner does not support' : 'is corrupt'}: ${message}`,
      evidence: { anomaly: unsupported ? 'unsupported-compression' : 'corrupt-data' },
    });
    unit.incomplete(`${codec}: ${message}`);
  }
}

/**
 * Whole-file compression (gzip, zlib, joblib's legacy ZF, bzip2, xz, lzma, lz4), as joblib and
 * model bundles use it. The content is decompressed as a bounded stream and scanned by content.
 */
export const compressedFormat: FormatHandler = {
  format: 'compressed',
  sniff(source) {
    return sniffCodec(source.head) !== undefined ? 'start' : false;
  },
  async scan(source, unit, ctx, depth) {
    const codec = sniffCodec(source.head) as Codec;
    unit.addFormat(codec === 'zlib-zf' ? 'zlib' : codec);
    const child = unit.child(`[${codec === 'zlib-zf' ? 'zlib' : codec}]`);
    const inner = await sourceFromStreamFactory(source.name, () =>
      bounded(decompressed(source, codec), codec, source, child, ctx),
    );
    await ctx.scan(inner, child, depth + 1);
  },
};
