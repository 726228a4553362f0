import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Severity } from '@mlwarden/core';

export const CORPUS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'corpus');
export const CORPUS_FILES = join(CORPUS_DIR, 'files');

export interface CorpusEntry {
  path: string;
  sha256: string;
  size: number;
  kind: 'benign' | 'malicious' | 'malformed';
  bypass?: string;
  expect: {
    verdict: 'clean' | 'findings' | 'incomplete' | 'error';
    severityAtLeast?: Severity;
    severityAtMost?: Severity;
    imports?: string[];
    rules?: string[];
    noRules?: string[];
    formats?: string[];
  };
  notes?: string;
}

export interface CorpusManifest {
  schema: string;
  versions: Record<string, string>;
  canary: string;
  notCovered: Record<string, string>;
  files: CorpusEntry[];
}

export function corpusManifest(): CorpusManifest {
  return JSON.parse(readFileSync(join(CORPUS_DIR, 'manifest.json'), 'utf8')) as CorpusManifest;
}

export function corpusPath(entry: CorpusEntry): string {
  return join(CORPUS_FILES, entry.path);
}
