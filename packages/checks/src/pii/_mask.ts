/**
 * Masks for detected values. A mask keeps only what identifies the kind and helps a person find
 * the value (a card's last four digits, an email's first letters); never a secret's random part.
 */

const stars = (n: number) => '*'.repeat(Math.max(0, n));

export function maskEmail(value: string): string {
  const at = value.lastIndexOf('@');
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  const dot = domain.lastIndexOf('.');
  const tld = dot >= 0 ? domain.slice(dot + 1) : '';
  return `${local.slice(0, 1)}***@${domain.slice(0, 1)}***.${tld}`;
}

/** Every digit but the last `keep` becomes `*`; separators stay. */
export function maskDigits(value: string, keep: number): string {
  let remaining = 0;
  for (const ch of value) if (ch >= '0' && ch <= '9') remaining++;
  let out = '';
  for (const ch of value) {
    if (ch >= '0' && ch <= '9') {
      out += remaining > keep ? '*' : ch;
      remaining--;
    } else {
      out += ch;
    }
  }
  return out;
}

export function maskCard(value: string): string {
  const digits = value.replace(/\D/g, '');
  const hidden = stars(digits.length - 4).replace(/(.{4})/g, '$1 ');
  return `${hidden}${digits.slice(-4)}`;
}

export function maskIban(value: string): string {
  const compact = value.replace(/ /g, '');
  return `${compact.slice(0, 2)}${stars(compact.length - 6)}${compact.slice(-4)}`;
}

export function maskIp(value: string): string {
  if (value.includes(':')) return `${value.split(':')[0]}:****`;
  return `${value.split('.')[0]}.*.*.*`;
}

/** Keeps a known, non-secret prefix (e.g. `AKIA`, `ghp_`) and states the length. */
export function maskSecret(value: string, prefixLength: number): string {
  return `${value.slice(0, prefixLength)}${stars(Math.min(8, value.length - prefixLength))}… (${value.length} chars)`;
}
