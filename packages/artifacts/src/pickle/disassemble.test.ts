import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { corpusManifest, corpusPath } from '../scan/_test-corpus.js';
import { readMember } from '../zip/_test-zip.js';
import { type DisassembledStream, disassemble } from './disassemble.js';

const GENOPS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'genops-json.py');

/** What Python's pickletools.genops says about each file (and each readable zip member). */
function genops(paths: string[]): Record<string, DisassembledStream[]> {
  const out = execFileSync('python3', [GENOPS, ...paths], { maxBuffer: 1 << 30 });
  return JSON.parse(out.toString('utf8')) as Record<string, DisassembledStream[]>;
}

describe('disassemble agrees with pickletools.genops', () => {
  const entries = corpusManifest().files;
  const paths = entries.map(corpusPath);
  const expected = genops(paths);

  it('on every corpus file, opcode by opcode (names, positions and decoded arguments)', async () => {
    let compared = 0;
    let ops = 0;
    for (const path of paths) {
      const ours = await disassemble(readFileSync(path));
      expect(ours, path).toEqual(expected[path]);
      compared++;
      ops += ours.reduce((n, s) => n + s.ops.length, 0);
    }
    expect(compared).toBe(entries.length);
    expect(ops).toBeGreaterThan(50_000);
  });

  it('on every zip member Python can read (PyTorch data.pkl, npz members, nested pickles)', async () => {
    const members = Object.keys(expected).filter((k) => k.includes('::'));
    expect(members.length).toBeGreaterThan(50);
    let compared = 0;
    for (const key of members) {
      const [path, name] = key.split('::') as [string, string];
      const bytes = await readMember(new Uint8Array(readFileSync(path)), name);
      if (bytes === undefined) continue;
      expect(await disassemble(bytes), key).toEqual(expected[key]);
      compared++;
    }
    expect(compared).toBeGreaterThan(50);
  });
});
