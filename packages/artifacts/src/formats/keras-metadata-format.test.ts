import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_FILES } from '../scan/_test-corpus.js';
import { scanFile } from '../scan/scan-file.js';

const scan = (dir: string) =>
  scanFile(join(CORPUS_FILES, `malicious/tensorflow/${dir}/keras_metadata.pb`));

describe('keras_metadata.pb findings, once per layer', () => {
  it('reports a Lambda written three times in the file once, with its places', async () => {
    const r = await scan('tf-keras-lambda');
    const found = r.findings.filter((f) => f.rule === 'embedded-code');
    expect(found).toHaveLength(1);
    const f = found[0];
    expect(f?.severity).toBe('high');
    expect(f?.message).toMatch(/Lambda layer at \$<Sequential>\.config\.layers\[1\]<Lambda>/);
    expect(f?.message).toMatch(/appears 3 times/);
    expect(f?.evidence.occurrences).toBe(3);
    const places = f?.evidence.locations as { node: number; offset: number; at: string }[];
    expect(places.map((p) => [p.node, p.at])).toEqual([
      [1, '$<Sequential>.config.layers[1]<Lambda>'],
      [1, '$<Sequential>.model_config<Sequential>.config.layers[1]<Lambda>'],
      [2, '$<Lambda>'],
    ]);
    expect(places[2]?.offset).toBeGreaterThan(places[0]?.offset ?? 0);
    expect(f?.offset).toBe(places[0]?.offset);
  });

  it('keeps two different Lambdas apart', async () => {
    const r = await scan('tf-keras-two-lambdas');
    const found = r.findings.filter((f) => f.rule === 'embedded-code');
    expect(found.map((f) => f.evidence.at)).toEqual([
      '$<Sequential>.config.layers[1]<Lambda>',
      '$<Sequential>.config.layers[2]<Lambda>',
    ]);
    for (const f of found) expect(f.evidence.occurrences).toBe(3);
  });

  it('leaves a benign tf_keras model clean', async () => {
    const r = await scanFile(
      join(CORPUS_FILES, 'benign/tensorflow/tf-keras-savedmodel/keras_metadata.pb'),
    );
    expect(r.files[0]?.formats).toEqual(['keras-metadata']);
    expect(r.verdict).toBe('clean');
  });
});
