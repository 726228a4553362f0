/** Patterns of credentials that must never reach a log line, an error message or a report. */
const SECRET_PATTERNS: readonly RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
  /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[0-9A-Z]{16}\b/g,
  /\bgh[pousr]_[A-Za-z0-9]{36,255}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{22,255}\b/g,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g,
  /\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
];

/** `scheme://user:password@host` keeps the user and hides the password. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@]+):[^\s/@]+@/gi;

/**
 * Replaces credentials in `text` with `[REDACTED]`: well-known token formats, private keys,
 * authorization headers, passwords in URLs, and every literal in `secrets` (e.g. a configured
 * token) of at least 4 characters.
 */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('[REDACTED]');
  }
  out = out.replace(URL_CREDENTIALS, '$1:[REDACTED]@');
  for (const pattern of SECRET_PATTERNS) {
    out = out.replace(pattern, (match, scheme?: unknown) =>
      typeof scheme === 'string' && scheme.length > 0 && match.startsWith(scheme)
        ? `${scheme} [REDACTED]`
        : '[REDACTED]',
    );
  }
  return out;
}

/** `redact` applied to every string inside a JSON-like value; returns a copy. */
export function redactDeep<T>(value: T, secrets: readonly string[] = []): T {
  if (typeof value === 'string') return redact(value, secrets) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, secrets)) as T;
  if (
    value !== null &&
    typeof value === 'object' &&
    Object.getPrototypeOf(value) === Object.prototype
  ) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v, secrets);
    return out as T;
  }
  return value;
}
