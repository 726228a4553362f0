import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { memoryArtifactFile } from '../scan/memory-artifact-file.js';
import { scanArtifactFile } from '../scan/scan-file.js';

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url));

describe('MLmodel', () => {
  it('reads an MLmodel as MLflow 3.17 writes it, signature with multi-line quoted JSON included', async () => {
    const bytes = fixture('MLmodel-with-signature');
    expect(bytes.toString('utf8')).toMatch(/inputs: '\[.*\n\s+"/);
    const result = await scanArtifactFile(memoryArtifactFile('MLmodel', bytes));
    expect(result.verdict).toBe('clean');
    expect(result.files[0]?.formats).toContain('mlflow-mlmodel');
  });

  it('reports a file that is not YAML as incomplete, never clean', async () => {
    const text = 'flavors:\n  python_function:\n    loader_module: [unclosed\n';
    const result = await scanArtifactFile(memoryArtifactFile('MLmodel', Buffer.from(text)));
    expect(result.verdict).toBe('incomplete');
  });

  it('keeps YAML warnings about the file (an unknown tag) out of the process warnings', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const text =
        'flavors:\n  python_function:\n    loader_module: !secret-token mlflow.sklearn\n';
      const result = await scanArtifactFile(memoryArtifactFile('MLmodel', Buffer.from(text)));
      expect(result.files[0]?.formats).toContain('mlflow-mlmodel');
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.map((w) => w.message)).toEqual([]);
  });
});
