import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeTaxonomyId, pluginProblems, taxonomyProblems } from '@mlwarden/core';
import { describe, expect, it } from 'vitest';
import { builtinChecks, checksPlugin } from './checks-plugin.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '../../..');

describe('checksPlugin', () => {
  it('is a valid plugin with the data, poisoning and fairness checks', () => {
    expect(pluginProblems(checksPlugin)).toEqual([]);
    expect(checksPlugin.checks.map((c) => c.meta.id)).toEqual([
      'data.integrity',
      'data.pii',
      'data.drift',
      'poisoning.label-noise',
      'poisoning.outliers',
      'poisoning.backdoor',
      'fairness.group',
    ]);
    expect(checksPlugin.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  for (const check of builtinChecks) {
    it(`${check.meta.id}: meta is complete, options default, docs exist`, () => {
      const { meta } = check;
      expect(taxonomyProblems(meta.taxonomy)).toEqual([]);
      for (const id of [...(meta.taxonomy.atlas ?? []), ...(meta.taxonomy.owasp ?? [])]) {
        expect(describeTaxonomyId(id).name, id).not.toBe(id);
      }
      expect(meta.options.safeParse({}).success).toBe(true);
      expect(meta.options.safeParse({ noSuchOption: 1 }).success).toBe(false);
      expect(Object.keys(meta.rules ?? {}).length).toBeGreaterThan(0);
      expect(existsSync(join(repo, meta.docs as string)), meta.docs).toBe(true);
    });
  }
});
