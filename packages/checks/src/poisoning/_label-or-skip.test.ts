import type { Check } from '@mlwarden/core';
import { CheckTester } from '@mlwarden/core/testing';
import { describe, expect, it } from 'vitest';
import { asDataset, blobs, blobTable } from './_test-data.js';
import { backdoorCheck } from './backdoor-check.js';
import { labelNoiseCheck } from './label-noise-check.js';

describe('labelOrSkip', () => {
  for (const check of [backdoorCheck, labelNoiseCheck] as Check<unknown>[]) {
    it(`${check.meta.id} skips, saying why, when no label column is configured`, async () => {
      const result = await new CheckTester(check).run({
        inputs: { dataset: asDataset(blobTable(blobs(50, 2, 2, 1))) },
        options: {},
      });
      expect(result).toMatchObject({
        status: 'skip',
        reason: 'no label column is configured (option `label`)',
        findings: [],
      });
    });
  }
});
