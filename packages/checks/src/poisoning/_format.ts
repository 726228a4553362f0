/** Shared formatting of poisoning findings. */

/** Rows listed in a finding's location at most. */
export const MAX_LOCATION_ROWS = 100;

export const percent = (v: number) => `${(v * 100).toFixed(v < 0.1 ? 2 : 1)}%`;

export const short = (v: number) => (Number.isFinite(v) ? String(Number(v.toPrecision(3))) : 'n/a');

/** JSON-safe number: NaN and infinities become null. */
export const jsonNumber = (v: number) => (Number.isFinite(v) ? v : null);

/** A p-value for a message; one that underflowed to 0 is shown as a bound. */
export const pText = (p: number) => (p > 0 ? `p = ${p.toExponential(1)}` : 'p < 1e-300');
