import { InputError } from '@mlwarden/core';

/**
 * Checks an artifact path (from the user or from the server) and returns it normalised: `/`
 * separators, no empty or `.` segments, no trailing slash. Throws an InputError with code
 * `MLW_MLFLOW_UNSAFE_PATH` for `..` segments, absolute paths (`/x`, `C:\x`, `\\host`),
 * backslashes and control characters, none of which a server-side artifact path ever needs. The empty path (the artifact root) is allowed.
 */
export function safeArtifactPath(path: string, where = 'artifact path'): string {
  const fail = (why: string) =>
    new InputError(`${where} "${printable(path)}" is unsafe: ${why}`, {
      code: 'MLW_MLFLOW_UNSAFE_PATH',
      hint: 'artifact paths are relative, with "/" separators and no ".." segments',
    });
  if (typeof path !== 'string') throw fail('it is not a string');
  if (hasControlCharacter(path)) throw fail('it contains control characters');
  if (path.includes('\\')) throw fail('it contains a backslash');
  if (path.startsWith('/')) throw fail('it is absolute');
  if (/^[A-Za-z]:/.test(path)) throw fail('it starts with a drive letter');
  const segments = path.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..')) throw fail('it climbs out with ".."');
  if (path.length > 4096) throw fail('it is longer than 4096 characters');
  return segments.join('/');
}

function isControl(code: number): boolean {
  return code < 0x20 || code === 0x7f;
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (isControl(text.charCodeAt(i))) return true;
  return false;
}

function printable(path: unknown): string {
  let shown = '';
  for (const c of String(path)) {
    const code = c.charCodeAt(0);
    shown += isControl(code) ? `\\x${code.toString(16).padStart(2, '0')}` : c;
  }
  return shown.length > 200 ? `${shown.slice(0, 200)}…` : shown;
}

/** Joins safe artifact paths. */
export function joinArtifactPath(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('/');
}
