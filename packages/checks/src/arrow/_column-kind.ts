import { type DataType, Precision, TimeUnit, Type } from 'apache-arrow';

/**
 * How a check treats a column, decided from its Arrow type id (never `instanceof`, which breaks
 * across copies of apache-arrow).
 */
export type ColumnKind =
  /** Int*, Uint*, Float16/32/64. */
  | 'numeric'
  | 'boolean'
  /** Utf8 and LargeUtf8. */
  | 'string'
  /** Dictionary-encoded values. */
  | 'dictionary'
  /** Date and Timestamp, read as milliseconds since the epoch. */
  | 'temporal'
  | 'other';

export function columnKind(type: DataType): ColumnKind {
  switch (type.typeId) {
    case Type.Int:
    case Type.Float:
      return 'numeric';
    case Type.Bool:
      return 'boolean';
    case Type.Utf8:
    case Type.LargeUtf8:
      return 'string';
    case Type.Dictionary:
      return 'dictionary';
    case Type.Date:
    case Type.Timestamp:
      return 'temporal';
    default:
      return 'other';
  }
}

/** Whether a numeric type is integral (Int*, Uint*). */
export function isIntegerType(type: DataType): boolean {
  return type.typeId === Type.Int;
}

/** Whether a numeric type can hold NaN and infinities. */
export function isFloatType(type: DataType): boolean {
  return type.typeId === Type.Float;
}

/** Milliseconds per stored unit of a temporal type. */
export function millisecondsPerUnit(type: DataType): number {
  if (type.typeId === Type.Date) {
    return (type as unknown as { unit: number }).unit === 0 ? 86_400_000 : 1;
  }
  switch ((type as unknown as { unit: number }).unit) {
    case TimeUnit.SECOND:
      return 1000;
    case TimeUnit.MICROSECOND:
      return 1e-3;
    case TimeUnit.NANOSECOND:
      return 1e-6;
    default:
      return 1;
  }
}

/** Whether a float type is half precision (stored as raw 16-bit patterns). */
export function isHalfFloat(type: DataType): boolean {
  return (
    type.typeId === Type.Float &&
    (type as unknown as { precision: number }).precision === Precision.HALF
  );
}
