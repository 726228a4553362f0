import type { ArtifactFile } from '@mlwarden/core';
import { parse } from 'yaml';
import { basename, dirname, readSmallText } from './_artifact-text.js';

/** Largest MLmodel file read; real ones are a few KiB. */
export const MAX_MLMODEL_BYTES = 1024 * 1024;

export interface MlmodelFile {
  /** Path of the MLmodel file in the artifact set. */
  path: string;
  /** Folder of the model (where MLmodel sits). */
  dir: string;
  /** The parsed document, or undefined with `error` set. */
  doc?: Record<string, unknown>;
  error?: string;
}

/** MLmodel files of an artifact set, parsed as YAML (data only: no tags, bounded aliases). */
export async function readMlmodels(files: Map<string, ArtifactFile>): Promise<MlmodelFile[]> {
  const out: MlmodelFile[] = [];
  for (const [path, file] of files) {
    if (basename(path) !== 'MLmodel') continue;
    const dir = dirname(path);
    if (file.size > MAX_MLMODEL_BYTES) {
      out.push({ path, dir, error: `it is ${file.size} bytes, over ${MAX_MLMODEL_BYTES}` });
      continue;
    }
    const text = await readSmallText(file, MAX_MLMODEL_BYTES);
    if (text === undefined) {
      out.push({ path, dir, error: 'it is not text' });
      continue;
    }
    try {
      const doc = parseYamlData(text);
      if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
        out.push({ path, dir, error: 'it is not a YAML mapping' });
      } else out.push({ path, dir, doc: doc as Record<string, unknown> });
    } catch (error) {
      out.push({
        path,
        dir,
        error: `it is not valid YAML (${(error as Error).message.split('\n')[0]})`,
      });
    }
  }
  return out;
}

/** Parses YAML as plain data: core schema, no custom tags, few aliases (no billion laughs). */
export function parseYamlData(text: string): unknown {
  return parse(text, {
    schema: 'core',
    maxAliasCount: 100,
    customTags: [],
    uniqueKeys: false,
    logLevel: 'error',
  });
}

/** `value` as a record, or undefined. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
