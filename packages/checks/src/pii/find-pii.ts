import { Buffer } from 'node:buffer';
import { isIPv4, isIPv6 } from 'node:net';
import { IBAN_LENGTHS, ibanValid, luhnValid } from './_checksums.js';
import { maskCard, maskDigits, maskEmail, maskIban, maskIp, maskSecret } from './_mask.js';

/** What `findPii` looks for: personal data first, then credentials (see `SECRET_KINDS`). */
export const PII_KINDS = [
  'email',
  'phone',
  'payment-card',
  'us-ssn',
  'iban',
  'ip-address',
  'aws-access-key',
  'google-api-key',
  'private-key',
  'github-token',
  'slack-token',
  'jwt',
  'high-entropy',
] as const;

export type PiiKind = (typeof PII_KINDS)[number];

/** Kinds that are credentials rather than personal data: the kinds from `aws-access-key` on. */
export const SECRET_KINDS: ReadonlySet<PiiKind> = new Set(
  PII_KINDS.slice(PII_KINDS.indexOf('aws-access-key')),
);

export interface PiiMatch {
  kind: PiiKind;
  /** Position of the match in the text (UTF-16 code units). */
  start: number;
  end: number;
  /** The match with its identifying part hidden; the raw value is never returned. */
  masked: string;
}

export interface FindPiiOptions {
  /** Kinds to look for. Default: all. */
  kinds?: readonly PiiKind[];
  /** Shannon entropy (bits per character) above which a token counts as a secret. Default 4.2. */
  minEntropy?: number;
  /** Shortest token considered for `high-entropy`. Default 20. */
  minEntropyLength?: number;
}

interface Detector {
  kind: PiiKind;
  /** Cheap test that must pass before the pattern runs. */
  maybe: (text: string) => boolean;
  pattern: RegExp;
  valid?: (match: string) => boolean;
  /** Shortens a match to its valid prefix, or rejects it (undefined). */
  extract?: (match: string) => string | undefined;
  mask: (match: string) => string;
}

/** The IBAN at the start of `match`: as many characters as its country's IBAN has. */
function ibanPrefix(match: string): string | undefined {
  const length = IBAN_LENGTHS[match.slice(0, 2)];
  if (length === undefined) return undefined;
  let seen = 0;
  let end = 0;
  while (end < match.length && seen < length) {
    if (match[end] !== ' ') seen++;
    end++;
  }
  if (seen < length) return undefined;
  const candidate = match.slice(0, end);
  return ibanValid(candidate) ? candidate : undefined;
}

const hasDigit = (t: string) => /\d/.test(t);
const digitCount = (s: string) => s.replace(/\D/g, '').length;

/** Issuer prefixes and lengths of the major card networks. */
function plausibleCard(digits: string): boolean {
  const n = digits.length;
  const p2 = Number(digits.slice(0, 2));
  const p3 = Number(digits.slice(0, 3));
  const p4 = Number(digits.slice(0, 4));
  if (digits[0] === '4') return n === 13 || n === 16 || n === 19;
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return n === 16;
  if (p2 === 34 || p2 === 37) return n === 15;
  if (p4 === 6011 || p2 === 65 || (p3 >= 644 && p3 <= 649)) return n >= 16 && n <= 19;
  if (p2 === 35 || p2 === 62) return n >= 16 && n <= 19;
  if ((p3 >= 300 && p3 <= 305) || p2 === 36 || p2 === 38 || p2 === 39) return n >= 14 && n <= 19;
  return false;
}

function jwtHeader(token: string): boolean {
  try {
    const header = JSON.parse(
      Buffer.from(token.split('.')[0] as string, 'base64url').toString('utf8'),
    );
    return typeof header === 'object' && header !== null && ('alg' in header || 'typ' in header);
  } catch {
    return false;
  }
}

function phoneLike(match: string): boolean {
  const digits = digitCount(match);
  if (digits < 10 || digits > 15) return false;
  if (match.startsWith('+') || match.includes('(')) return true;
  const groups = match.split(/[ .-]/);
  if (groups.length < 3) return false;
  // 10 000 000 000 and 1.000.000.000 are amounts with thousands separators, not phone numbers.
  return !groups.slice(1).every((g) => g.length === 3);
}

/** Shannon entropy of a string in bits per character. */
export function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const c of counts.values()) {
    const p = c / text.length;
    h -= p * Math.log2(p);
  }
  return h;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function highEntropy(token: string, minEntropy: number): boolean {
  if (UUID.test(token)) return false;
  if (!/[0-9]/.test(token) || !/[A-Za-z]/.test(token)) return false;
  if (/^[0-9a-fA-F]+$/.test(token)) return token.length >= 32 && shannonEntropy(token) >= 3;
  return shannonEntropy(token) >= minEntropy;
}

function detectors(minEntropy: number, minLength: number): Detector[] {
  return [
    {
      kind: 'private-key',
      maybe: (t) => t.includes('PRIVATE KEY'),
      pattern:
        /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|$)/g,
      mask: (m) =>
        `${(m.match(/^-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----/) ?? [''])[0]} [${m.length} chars]`,
    },
    {
      kind: 'jwt',
      maybe: (t) => t.includes('eyJ'),
      pattern: /\beyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}/g,
      valid: jwtHeader,
      mask: (m) => maskSecret(m, 3),
    },
    {
      kind: 'aws-access-key',
      maybe: (t) => /A[A-Z]{3}[A-Z0-9]{16}/.test(t),
      pattern:
        /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|AKPA|ANPA|ANVA|APKA|AROA|ASCA)[A-Z0-9]{16}\b/g,
      mask: (m) => maskSecret(m, 4),
    },
    {
      kind: 'google-api-key',
      maybe: (t) => t.includes('AIza'),
      pattern: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g,
      mask: (m) => maskSecret(m, 4),
    },
    {
      kind: 'github-token',
      maybe: (t) => t.includes('gh') || t.includes('github_pat_'),
      pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g,
      mask: (m) => maskSecret(m, m.startsWith('github_pat_') ? 11 : 4),
    },
    {
      kind: 'slack-token',
      maybe: (t) => t.includes('xox') || t.includes('hooks.slack.com'),
      pattern:
        /\bxox[abposr]-[A-Za-z0-9-]{10,250}|https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9_/]+/g,
      mask: (m) => maskSecret(m, m.startsWith('https') ? 33 : 5),
    },
    {
      kind: 'email',
      maybe: (t) => t.includes('@'),
      pattern: /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}\b/g,
      mask: maskEmail,
    },
    {
      kind: 'iban',
      maybe: (t) => /[A-Z]{2}\d{2}/.test(t),
      pattern: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{1,4}){3,8}\b/g,
      extract: ibanPrefix,
      mask: maskIban,
    },
    {
      kind: 'payment-card',
      maybe: hasDigit,
      pattern: /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g,
      valid: (m) => {
        const digits = m.replace(/\D/g, '');
        return plausibleCard(digits) && luhnValid(digits);
      },
      mask: maskCard,
    },
    {
      kind: 'us-ssn',
      maybe: (t) => t.includes('-') && hasDigit(t),
      pattern: /(?<![\d-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\d-])/g,
      mask: (m) => maskDigits(m, 4),
    },
    {
      kind: 'ip-address',
      maybe: (t) => t.includes('.') || t.includes(':'),
      pattern:
        /(?<![\w.:])(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7})(?![\w.:])/g,
      valid: (m) =>
        isIPv4(m) || (m.includes('::') || m.split(':').length === 8 ? isIPv6(m) : false),
      mask: maskIp,
    },
    {
      kind: 'phone',
      maybe: hasDigit,
      pattern:
        /(?<![\w+])(?:\+\d{8,15}|(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]\d{2,5}){1,3})(?![\w])/g,
      valid: phoneLike,
      mask: (m) => maskDigits(m, 2),
    },
    {
      kind: 'high-entropy',
      maybe: (t) => t.length >= minLength,
      pattern: new RegExp(`[A-Za-z0-9+/_-]{${minLength},}={0,2}`, 'g'),
      valid: (m) => highEntropy(m, minEntropy),
      mask: (m) => maskSecret(m, 2),
    },
  ];
}

const defaultDetectors = detectors(4.2, 20);

/**
 * Finds personal data and credentials in a text. Each character belongs to at most one match:
 * credentials are looked for first, then personal data, then high-entropy tokens. Matches carry
 * masked values only.
 */
export function findPii(text: string, options: FindPiiOptions = {}): PiiMatch[] {
  const custom = options.minEntropy !== undefined || options.minEntropyLength !== undefined;
  const list = custom
    ? detectors(options.minEntropy ?? 4.2, options.minEntropyLength ?? 20)
    : defaultDetectors;
  const kinds = options.kinds === undefined ? undefined : new Set(options.kinds);
  const found: PiiMatch[] = [];
  let work = text;
  for (const d of list) {
    if (kinds !== undefined && !kinds.has(d.kind)) continue;
    if (!d.maybe(work)) continue;
    d.pattern.lastIndex = 0;
    let blanked = work;
    for (const m of work.matchAll(d.pattern)) {
      const value = d.extract === undefined ? m[0] : d.extract(m[0]);
      if (value === undefined || value.trim().length === 0) continue;
      if (d.valid !== undefined && !d.valid(value)) continue;
      const start = m.index ?? 0;
      found.push({ kind: d.kind, start, end: start + value.length, masked: d.mask(value) });
      blanked =
        blanked.slice(0, start) + ' '.repeat(value.length) + blanked.slice(start + value.length);
    }
    work = blanked;
  }
  return found.sort((a, b) => a.start - b.start);
}
