import type { Data } from 'apache-arrow';

/** Validity bitmap of an Arrow chunk, or undefined when every value is valid. */
export interface Validity {
  bitmap: Uint8Array;
  /** Bit offset of row 0 in the bitmap. */
  offset: number;
}

export function validityOf(data: Data): Validity | undefined {
  const bitmap = data.nullBitmap;
  if (data.nullCount <= 0 || bitmap === undefined || bitmap.length === 0) return undefined;
  return { bitmap, offset: data.offset };
}

export function isValid(validity: Validity | undefined, row: number): boolean {
  if (validity === undefined) return true;
  const bit = validity.offset + row;
  return ((validity.bitmap[bit >> 3] as number) & (1 << (bit & 7))) !== 0;
}
