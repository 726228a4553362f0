import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { disassemble } from '../pickle/disassemble.js';
import { corpusManifest, corpusPath } from './_test-corpus.js';
import { memoryArtifactFile } from './memory-artifact-file.js';
import { scanArtifactFile } from './scan-file.js';

/** Mutants per run; raise with MLWARDEN_FUZZ_ITERATIONS for a longer soak. */
const ITERATIONS = Number(process.env.MLWARDEN_FUZZ_ITERATIONS ?? 1200);
const SEED = Number(process.env.MLWARDEN_FUZZ_SEED ?? 20261127);

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INTERESTING = [
  0x00, 0xff, 0x7f, 0x80, 0x2e, 0x28, 0x93, 0x95, 0x94, 0x52, 0x62, 0x63, 0x0a, 0x50, 0x4b,
];

function mutate(input: Uint8Array, others: Uint8Array[], random: () => number): Uint8Array {
  const pick = (n: number) => Math.floor(random() * n);
  let b = Uint8Array.from(input);
  const rounds = 1 + pick(4);
  for (let r = 0; r < rounds && b.length > 0; r++) {
    switch (pick(8)) {
      case 0: // flip bits
        for (let k = 0; k < 1 + pick(8); k++) {
          const i = pick(b.length);
          b[i] = (b[i] as number) ^ (1 << pick(8));
        }
        break;
      case 1: // interesting byte
        b[pick(b.length)] = INTERESTING[pick(INTERESTING.length)] as number;
        break;
      case 2: // truncate
        b = b.subarray(0, pick(b.length));
        break;
      case 3: {
        // insert random bytes
        const at = pick(b.length + 1);
        const ins = Uint8Array.from({ length: 1 + pick(16) }, () => pick(256));
        b = Uint8Array.from([...b.subarray(0, at), ...ins, ...b.subarray(at)]);
        break;
      }
      case 4: {
        // delete a slice
        const at = pick(b.length);
        b = Uint8Array.from([
          ...b.subarray(0, at),
          ...b.subarray(Math.min(b.length, at + 1 + pick(32))),
        ]);
        break;
      }
      case 5: {
        // duplicate a slice
        const at = pick(b.length);
        const len = 1 + pick(Math.min(256, b.length - at));
        b = Uint8Array.from([
          ...b.subarray(0, at + len),
          ...b.subarray(at, at + len),
          ...b.subarray(at + len),
        ]);
        break;
      }
      case 6: {
        // splice with another file
        const other = others[pick(others.length)] as Uint8Array;
        const at = pick(b.length);
        b = Uint8Array.from([...b.subarray(0, at), ...other.subarray(pick(other.length))]);
        break;
      }
      default: {
        // a huge or negative little-endian length
        if (b.length < 4) break;
        const at = pick(b.length - 3);
        const v = [0xffffffff, 0x7fffffff, 0x80000000, 0x10000000][pick(4)] as number;
        new DataView(b.buffer, b.byteOffset, b.byteLength).setUint32(at, v, true);
      }
    }
  }
  return b;
}

const seeds = corpusManifest()
  .files.filter((e) => e.size > 0 && e.size < 96 * 1024)
  .map((e) => ({ path: e.path, bytes: new Uint8Array(readFileSync(corpusPath(e))) }));

const limits = { maxTimeMs: 20_000, maxDecompressedBytes: 256 * 1024 ** 2, maxOpcodes: 2_000_000 };

describe('fuzzing the scanner with seeded mutations of the corpus', () => {
  const work = mkdtempSync(join(tmpdir(), 'mlwarden-fuzz-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it(`never crashes, hangs, or calls an incomplete parse clean (${ITERATIONS} mutants, seed ${SEED})`, async () => {
    const random = rng(SEED);
    const others = seeds.map((s) => s.bytes);
    let incomplete = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const seed = seeds[Math.floor(random() * seeds.length)] as (typeof seeds)[number];
      const mutant = mutate(seed.bytes, others, random);
      const name = `mutant-${i}-of-${seed.path.replaceAll('/', '_')}`;
      const result = await scanArtifactFile(memoryArtifactFile(name, mutant), { limits });
      const context = `${name} (seed ${SEED})`;
      expect(['clean', 'findings', 'incomplete', 'error'], context).toContain(result.verdict);
      expect(
        result.reasons.filter((r) => r.includes('internal error')),
        context,
      ).toEqual([]);
      if (result.reasons.length > 0) {
        incomplete++;
        expect(result.verdict, context).not.toBe('clean');
      }
      for (const f of result.files) {
        if (f.reasons !== undefined && f.reasons.length > 0)
          expect(f.verdict, context).not.toBe('clean');
      }
    }
    // The mutations do break parses: the invariant above was exercised.
    expect(incomplete).toBeGreaterThan(ITERATIONS / 10);
  }, 600_000);

  it('disassembles mutated pickles exactly like pickletools.genops', async () => {
    const random = rng(SEED + 1);
    const pickles = seeds.filter((s) => s.bytes[0] === 0x80 || s.path.endsWith('-p0.pkl'));
    const files: string[] = [];
    for (let i = 0; i < 400; i++) {
      const seed = pickles[Math.floor(random() * pickles.length)] as (typeof pickles)[number];
      const path = join(work, `m${i}.pkl`);
      writeFileSync(path, mutate(seed.bytes, [seed.bytes], random));
      files.push(path);
    }
    const script = join(
      dirname(fileURLToPath(import.meta.url)),
      '..',
      '..',
      'test',
      'genops-json.py',
    );
    const expected = JSON.parse(
      execFileSync('python3', [script, ...files], { maxBuffer: 1 << 30 }).toString(),
    );
    for (const path of files) {
      expect(await disassemble(readFileSync(path)), path).toEqual(expected[path]);
    }
  }, 600_000);
});
