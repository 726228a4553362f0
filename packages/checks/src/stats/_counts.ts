import { InputError } from '@mlwarden/core';

/** Throws unless both count vectors have the same length and hold finite, non-negative counts. */
export function checkCounts(reference: ArrayLike<number>, current: ArrayLike<number>): void {
  if (reference.length !== current.length) {
    throw new InputError(
      `reference and current counts have different lengths (${reference.length} and ${current.length})`,
      { hint: 'align both count vectors on the same list of categories' },
    );
  }
  for (let k = 0; k < reference.length; k++) {
    const r = reference[k] as number;
    const c = current[k] as number;
    if (!(r >= 0 && c >= 0 && Number.isFinite(r) && Number.isFinite(c))) {
      throw new InputError(`category ${k} has an invalid count (${r}, ${c})`, {
        hint: 'counts must be finite and not negative',
      });
    }
  }
}
