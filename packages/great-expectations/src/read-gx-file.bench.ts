import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bench, describe } from 'vitest';
import { largeValidationResult } from './_test-large-results.js';
import { readGxFile } from './read-gx-file.js';

// 100 000 expectation results (about 54 MB), every fifth failing.
const path = join(mkdtempSync(join(tmpdir(), 'mlw-gx-bench-')), 'large.json');
writeFileSync(path, largeValidationResult(100_000).json);

describe('reading a GX result with 100 000 expectations', () => {
  bench(
    'baseline: readFileSync + JSON.parse (keeps everything)',
    () => {
      JSON.parse(readFileSync(path, 'utf8'));
    },
    { iterations: 3 },
  );

  bench(
    'readGxFile (streams; keeps masked failures only)',
    async () => {
      await readGxFile(path);
    },
    { iterations: 3 },
  );
});
