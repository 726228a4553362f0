import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** GX generations the fixtures were produced with. */
export const GENERATIONS = ['gx018', 'gx1'] as const;
export type FixtureGeneration = (typeof GENERATIONS)[number];

/** Absolute path of a file under `src/__fixtures__/`. */
export function fixturePath(...parts: string[]): string {
  return fileURLToPath(new URL(`./__fixtures__/${parts.join('/')}`, import.meta.url));
}

export function readFixture(...parts: string[]): string {
  return readFileSync(fixturePath(...parts), 'utf8');
}

export function fixtureJson<T = Record<string, unknown>>(...parts: string[]): T {
  return JSON.parse(readFixture(...parts)) as T;
}

/**
 * The raw values the fixture generator planted in the data (`PLANTED_SECRETS` in
 * python/gx_fixture_data.py). None of them may reach a parsed result or a report.
 */
export function plantedSecrets(): string[] {
  const source = readFileSync(new URL('../python/gx_fixture_data.py', import.meta.url), 'utf8');
  const match = /^PLANTED_SECRETS = \[(.*)\]$/m.exec(source);
  if (!match?.[1]) throw new Error('PLANTED_SECRETS not found in gx_fixture_data.py');
  return [...match[1].matchAll(/"([^"]+)"/g)].map((m) => m[1] as string);
}
