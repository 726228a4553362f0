import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mlw-data-'));
const rows = Array.from(
  { length: 1000 },
  (_, i) => `${i},${(i % 7) * 1.5},${['a', 'b', 'c'][i % 3]}`,
);
writeFileSync(join(dir, 'data.csv'), `id,score,group\n${rows.join('\n')}\n`);

describe('mlwarden data profile', () => {
  it('prints a table and writes exact counts and moments as JSON', async () => {
    const table = await runCli(['data', 'profile', 'data.csv'], dir);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('data.csv: 1000 rows, 3 columns');
    const out = await runCli(
      ['data', 'profile', 'data.csv', '-q', '-o', 'json=profile.json', '--sketches'],
      dir,
    );
    expect(out.code).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, 'profile.json'), 'utf8'));
    const id = json.columns.find((c: { name: string }) => c.name === 'id');
    expect(id).toMatchObject({ count: 1000, nulls: 0, min: 0, max: 999, mean: 499.5 });
    expect(json.columns.find((c: { name: string }) => c.name === 'group').top).toHaveLength(3);
    expect(json.profile.rows).toBe(1000);
  });

  it('exits 2 for a truncated Arrow file and for an unsupported format', async () => {
    writeFileSync(join(dir, 'cut.arrow'), Buffer.from('ARROW1\0\0garbage'));
    const cut = await runCli(['data', 'profile', 'cut.arrow'], dir);
    expect(cut.code).toBe(2);
    expect(cut.stderr).toContain('cut.arrow');
    const fmt = await runCli(['data', 'profile', 'data.csv', '-f', 'sarif'], dir);
    expect(fmt.code).toBe(2);
  });
});
