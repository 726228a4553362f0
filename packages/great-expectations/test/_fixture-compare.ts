import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Paths of every file below `base`, relative to it, sorted. */
export function listing(base: string): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : [relative(base, path)];
    });
  return walk(base).sort();
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
/** Fields GX fills from the clock or the machine. */
const VOLATILE_KEYS = new Set([
  'ge_load_time',
  'validation_time',
  'run_time',
  'exception_traceback',
]);

/**
 * What must be the same when GX runs again: everything except ids GX draws at random (UUIDs),
 * clock readings, temp-directory paths and tracebacks (they name the venv path).
 */
export function normalise(value: unknown, key = ''): unknown {
  if (typeof value === 'string') {
    if (VOLATILE_KEYS.has(key)) return '<volatile>';
    return value.replace(UUID, '<uuid>').replace(/\/tmp\/gx1-[^/]+\//g, '/tmp/<work>/');
  }
  if (Array.isArray(value)) return value.map((v) => normalise(v, key));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v, k)]));
  }
  return value;
}

/** Differences between two JSON values, with their paths; numbers may differ by 1e-9 relative. */
export function differences(a: unknown, b: unknown, path = '$', out: string[] = []): string[] {
  if (out.length >= 20) return out;
  if (typeof a === 'number' && typeof b === 'number') {
    if (Math.abs(a - b) > 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)))
      out.push(`${path}: ${a} != ${b}`);
  } else if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) out.push(`${path}: ${a.length} items != ${b.length} items`);
    else {
      for (const [i, v] of a.entries()) differences(v, b[i], `${path}[${i}]`, out);
    }
  } else if (
    a !== null &&
    b !== null &&
    typeof a === 'object' &&
    typeof b === 'object' &&
    !Array.isArray(a) &&
    !Array.isArray(b)
  ) {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    if (ka.join('\u0000') !== kb.join('\u0000'))
      out.push(`${path}: keys ${ka.join(',')} != ${kb.join(',')}`);
    else
      for (const k of ka)
        differences(
          (a as Record<string, unknown>)[k],
          (b as Record<string, unknown>)[k],
          `${path}.${k}`,
          out,
        );
  } else if (a !== b) {
    out.push(`${path}: ${JSON.stringify(a)?.slice(0, 80)} != ${JSON.stringify(b)?.slice(0, 80)}`);
  }
  return out;
}
