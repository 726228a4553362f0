import { type ArraySpec, pythonVenv, runPython } from './_python.js';

export type { ArraySpec };

/** Path of the `art` virtual environment (created on first use by scripts/py-venv). */
export function artVenv(): Promise<string> {
  return pythonVenv('art');
}

/** Runs `art_reference.py COMMAND` in the art venv; see runPython. */
export function runArt<T>(command: string, request: Record<string, unknown>) {
  return runPython<T>('art', 'art_reference.py', command, request);
}
