import { readFileSync } from 'node:fs';
import type { RunInfo } from '@mlwarden/core';
import { CheckTester } from '@mlwarden/core/testing';
import { describe, it } from 'vitest';
import { runProvenanceCheck } from './run-provenance-check.js';

const load = (name: string): RunInfo => ({
  source: name,
  ...JSON.parse(readFileSync(new URL(`../data/${name}`, import.meta.url), 'utf8')),
});

describe('example.run-provenance', () => {
  const tester = new CheckTester(runProvenanceCheck);

  it('reports the missing commit tag and the plain-HTTP data source', async () => {
    await tester.expect(
      { inputs: { run: load('training-run.run.json') } },
      {
        status: 'fail',
        findings: [
          { rule: 'missing-tag', severity: 'medium', location: { field: 'tags.git_commit' } },
          { rule: 'insecure-data', severity: 'high', message: 'plain HTTP' },
        ],
        metrics: { tags: 1 },
      },
    );
  });

  it('passes a run with full provenance', async () => {
    await tester.expect(
      { inputs: { run: load('clean.run.json') } },
      { status: 'pass', findings: [] },
    );
  });

  it('honours its options', async () => {
    await tester.expect(
      {
        inputs: { run: load('training-run.run.json') },
        options: { requiredTags: [], dataParams: [] },
      },
      { status: 'pass', findings: [] },
    );
  });
});
