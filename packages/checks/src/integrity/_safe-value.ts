import { findPii } from '../pii/find-pii.js';

const MAX_LENGTH = 40;

/**
 * A data value fit for a report: personal data and secrets inside it are replaced by their masks
 * and long values are cut, so that findings can show what was wrong without leaking it.
 */
export function safeValue(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  let out = '';
  let at = 0;
  for (const match of findPii(text)) {
    out += text.slice(at, match.start) + match.masked;
    at = match.end;
  }
  out += text.slice(at);
  return out.length > MAX_LENGTH ? `${out.slice(0, MAX_LENGTH)}… (${text.length} chars)` : out;
}
