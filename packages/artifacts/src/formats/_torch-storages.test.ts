import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tuple } from '../pickle/_values.js';
import { CORPUS_FILES } from '../scan/_test-corpus.js';
import { scanFile } from '../scan/scan-file.js';
import { ScanUnit } from '../scan/scan-unit.js';
import { checkStorageSizes, storageRef } from './_torch-storages.js';

const str = (v: string) => ({ t: 'str', v }) as const;
const pid = (type: string, numel: number) =>
  tuple([
    str('storage'),
    { t: 'global', module: 'torch', name: type, off: 0 },
    str('0'),
    str('cpu'),
    { t: 'int', v: numel },
  ]);

describe('storage persistent ids', () => {
  it('reads torch.save storage ids and nothing else', () => {
    expect(storageRef(pid('FloatStorage', 24), 7)).toEqual({
      type: 'FloatStorage',
      key: '0',
      numel: 24,
      offset: 7,
    });
    expect(storageRef(tuple([str('storage')]), 0)).toBeUndefined();
    expect(storageRef(str('storage'), 0)).toBeUndefined();
  });

  it('compares numel × element size with the member size', () => {
    const unit = new ScanUnit('m.pt', 'archive/data.pkl');
    const refs = [
      { type: 'FloatStorage', key: '0', numel: 24, offset: 1 },
      { type: 'LongStorage', key: '1', numel: 3, offset: 2 },
      { type: 'HalfStorage', key: '2', numel: 5, offset: 3 },
      { type: 'SomeFutureStorage', key: '3', numel: 5, offset: 4 },
    ];
    const sizes: Record<string, number> = { 'archive/data/0': 96, 'archive/data/1': 20 };
    checkStorageSizes(unit, 'archive/data.pkl', refs, (n) => sizes[n]);
    expect(unit.findings.map((f) => [f.rule, f.severity, f.evidence.storage])).toEqual([
      ['storage-size-mismatch', 'high', '1'],
      ['storage-size-mismatch', 'high', '2'],
    ]);
    expect(unit.findings[0]?.message).toMatch(/3 × torch.LongStorage = 24 bytes.*20 bytes/);
    expect(unit.findings[1]?.message).toMatch(/no member archive\/data\/2/);
  });
});

describe('B23 corpus files', () => {
  it.each(['truncated', 'enlarged'])('a %s storage member is reported', async (label) => {
    const r = await scanFile(join(CORPUS_FILES, `malicious/b23-storage-${label}.pt`));
    const f = r.findings.find((x) => x.rule === 'storage-size-mismatch');
    expect(f?.severity).toBe('high');
    expect(f?.member).toBe('archive/data.pkl');
  });

  it('the real state dict and its 7z copy have consistent storages', async () => {
    for (const name of ['benign/torch-state-dict.pt', 'benign/7z/torch-state-dict.7z']) {
      const r = await scanFile(join(CORPUS_FILES, name));
      expect(r.verdict, name).toBe('clean');
    }
  });
});
