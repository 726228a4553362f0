import type { Verdict } from '@mlwarden/core';

export const EXIT = { pass: 0, fail: 1, usage: 2, incomplete: 3 } as const;

/** 0 pass, 1 findings at or above --fail-on, 3 a check errored or could not finish. */
export function exitCodeFor(verdict: Verdict): number {
  switch (verdict) {
    case 'pass':
      return EXIT.pass;
    case 'fail':
      return EXIT.fail;
    case 'error':
    case 'incomplete':
      return EXIT.incomplete;
  }
}
