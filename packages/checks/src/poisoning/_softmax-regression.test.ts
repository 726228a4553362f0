/**
 * The label-noise model against scikit-learn's LogisticRegression (pinned in
 * python/fairlearn.requirements.txt): both minimise the same penalised multinomial log-loss, so
 * fitted to convergence they give the same probabilities.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { datasetFromTable } from '@mlwarden/core';
import { tableFromIPC, tableToIPC } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { runPython, venvPython } from '../../test/_python.js';
import { readFeatureMatrix, standardize } from './_feature-matrix.js';
import { fitSoftmax, softmaxRow } from './_softmax-regression.js';
import { blobs, blobTable } from './_test-data.js';
import { l2For } from './find-label-issues.js';

const here = dirname(fileURLToPath(import.meta.url));
const script = join(here, '../../bench/poisoning-sklearn-logistic.py');
const breastCancer = join(here, '../../../adversarial/test/__fixtures__/breast-cancer.arrow');
const dir = mkdtempSync(join(tmpdir(), 'mlw-softmax-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fitSoftmax against scikit-learn', () => {
  it.each([
    { name: 'breast-cancer', label: 'target', C: 1 },
    { name: 'three blobs', label: 'label', C: 0.1 },
  ])(
    'gives the same probabilities on $name (C = $C)',
    async ({ name, label, C }) => {
      const table =
        name === 'breast-cancer'
          ? tableFromIPC(readFileSync(breastCancer))
          : blobTable(blobs(600, 6, 3, 5));
      const path = join(dir, `${label}.arrow`);
      writeFileSync(path, tableToIPC(table, 'file'));
      const theirs = JSON.parse(
        runPython(venvPython('fairlearn'), script, [path, label, String(C)]),
      ) as number[];
      const matrix = await readFeatureMatrix(datasetFromTable(table), { label, maxRows: 1e9 });
      const K = matrix.classes?.length ?? 0;
      const { z } = standardize(matrix);
      const all = Int32Array.from({ length: matrix.n }, (_, i) => i);
      const w = fitSoftmax(z, matrix.y as Int32Array, all, matrix.d, K, {
        l2: l2For(K, C, matrix.n),
        maxIterations: 2000,
        tolerance: 1e-10,
      });
      const p = new Float64Array(K);
      let worst = 0;
      for (let i = 0; i < matrix.n; i++) {
        softmaxRow(w, z, i, matrix.d, K, p);
        for (let k = 0; k < K; k++)
          worst = Math.max(worst, Math.abs((p[k] as number) - (theirs[i * K + k] as number)));
      }
      expect(theirs).toHaveLength(matrix.n * K);
      expect(worst).toBeLessThan(1e-4);
    },
    120_000,
  );
});
