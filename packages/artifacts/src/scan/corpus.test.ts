import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { severityRank } from '@mlwarden/core';
import { describe, expect, it } from 'vitest';
import { type CorpusEntry, corpusManifest, corpusPath } from './_test-corpus.js';
import { scanFile } from './scan-file.js';
import type { ScanResult } from './scan-result.js';

const manifest = corpusManifest();

function importPath(f: ScanResult['findings'][number]): string | undefined {
  if (f.module === undefined) return undefined;
  return f.name ? `${f.module}.${f.name}` : f.module;
}

function problems(entry: CorpusEntry, r: ScanResult): string[] {
  const x = entry.expect;
  const out: string[] = [];
  if (r.verdict !== x.verdict) out.push(`verdict ${r.verdict}, expected ${x.verdict}`);
  if (x.severityAtLeast !== undefined) {
    if (r.maxSeverity === null || severityRank(r.maxSeverity) < severityRank(x.severityAtLeast)) {
      out.push(`max severity ${r.maxSeverity}, expected at least ${x.severityAtLeast}`);
    }
  }
  if (
    x.severityAtMost !== undefined &&
    r.maxSeverity !== null &&
    severityRank(r.maxSeverity) > severityRank(x.severityAtMost)
  ) {
    out.push(`max severity ${r.maxSeverity}, expected at most ${x.severityAtMost}`);
  }
  for (const imp of x.imports ?? []) {
    const hit = r.findings.find((f) => importPath(f) === imp);
    if (hit === undefined) out.push(`import ${imp} not reported`);
    else if (severityRank(hit.severity) < severityRank('high'))
      out.push(`import ${imp} reported as ${hit.severity}`);
  }
  for (const rule of x.rules ?? [])
    if (!r.findings.some((f) => f.rule === rule)) out.push(`rule ${rule} missing`);
  for (const rule of x.noRules ?? [])
    if (r.findings.some((f) => f.rule === rule)) out.push(`rule ${rule} present`);
  for (const format of x.formats ?? []) {
    if (!r.files.some((f) => f.formats.includes(format)))
      out.push(`format ${format} not recognised`);
  }
  return out;
}

describe('the test corpus', () => {
  it('has files matching the manifest digests', () => {
    for (const entry of manifest.files) {
      const digest = createHash('sha256')
        .update(readFileSync(corpusPath(entry)))
        .digest('hex');
      expect(digest, entry.path).toBe(entry.sha256);
    }
  });

  it('covers every bypass B1–B32 that applies to the supported formats', () => {
    const covered = new Set(manifest.files.flatMap((e) => (e.bypass ? [e.bypass] : [])));
    for (let i = 1; i <= 32; i++) {
      const id = `B${i}`;
      if (manifest.notCovered[id] !== undefined) continue;
      // B31 is the union of ModelScan's gaps and has its own fixtures; the rest are explicit.
      if (id === 'B31' || covered.has(id)) continue;
      // B2x items without a fixture must be listed as not covered.
      expect.fail(`bypass ${id} has no fixture and is not listed in notCovered`);
    }
  });
});

describe.each(['benign', 'malicious', 'malformed'] as const)('%s corpus files', (kind) => {
  const entries = manifest.files.filter((e) => e.kind === kind);
  it.each(entries.map((e) => [e.path, e] as const))('%s', async (_path, entry) => {
    const result = await scanFile(corpusPath(entry));
    expect(
      problems(entry, result),
      JSON.stringify(result.findings.map((f) => [f.rule, f.severity, f.message])),
    ).toEqual([]);
    if (kind === 'malicious') expect(result.verdict).not.toBe('clean');
    if (result.reasons.length > 0) expect(result.verdict).not.toBe('clean');
    expect(result.reasons.filter((r) => r.includes('internal error'))).toEqual([]);
  });
});

describe('malicious files with a dangerous import', () => {
  it('are all flagged high or critical', async () => {
    const entries = manifest.files.filter(
      (e) => e.kind === 'malicious' && (e.expect.imports?.length ?? 0) > 0,
    );
    expect(entries.length).toBeGreaterThan(80);
    for (const entry of entries) {
      const r = await scanFile(corpusPath(entry));
      expect(r.maxSeverity === 'high' || r.maxSeverity === 'critical', entry.path).toBe(true);
    }
  });
});
