import type { CheckContext } from '@mlwarden/core';

/**
 * The label column a poisoning check that needs labels runs on. Without one (option `label`)
 * the run is marked skipped and the result is `undefined`: the caller returns.
 */
export function labelOrSkip(
  ctx: Pick<CheckContext<unknown>, 'skip'>,
  label: string | undefined,
): string | undefined {
  if (label === undefined) ctx.skip('no label column is configured (option `label`)');
  return label;
}
