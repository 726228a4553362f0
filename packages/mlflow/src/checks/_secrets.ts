import type { Severity } from '@mlwarden/core';

/** A credential format recognised by its shape. */
interface SecretFormat {
  kind: string;
  title: string;
  pattern: RegExp;
  severity: Severity;
}

const FORMATS: readonly SecretFormat[] = [
  {
    kind: 'private-key',
    title: 'a private key',
    pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/,
    severity: 'critical',
  },
  {
    kind: 'aws-access-key-id',
    title: 'an AWS access key id',
    pattern: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}\b/,
    severity: 'high',
  },
  {
    kind: 'aws-secret-access-key',
    title: 'an AWS secret access key',
    pattern: /\baws_?secret_?access_?key\b["']?\s*[:=]\s*["']?[A-Za-z0-9/+=]{40}\b/i,
    severity: 'high',
  },
  {
    kind: 'github-token',
    title: 'a GitHub token',
    pattern: /\bgh[pousr]_[A-Za-z0-9]{36,255}\b/,
    severity: 'high',
  },
  {
    kind: 'github-token',
    title: 'a GitHub token',
    pattern: /\bgithub_pat_[A-Za-z0-9_]{22,255}\b/,
    severity: 'high',
  },
  {
    kind: 'gitlab-token',
    title: 'a GitLab token',
    pattern: /\bglpat-[A-Za-z0-9_-]{20,}\b/,
    severity: 'high',
  },
  {
    kind: 'slack-token',
    title: 'a Slack token',
    pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/,
    severity: 'high',
  },
  {
    kind: 'google-api-key',
    title: 'a Google API key',
    pattern: /\bAIza[0-9A-Za-z_-]{35}\b/,
    severity: 'high',
  },
  {
    kind: 'stripe-key',
    title: 'a Stripe secret key',
    pattern: /\b[rs]k_live_[0-9A-Za-z]{16,}\b/,
    severity: 'high',
  },
  {
    kind: 'openai-key',
    title: 'an OpenAI API key',
    pattern: /\bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}/,
    severity: 'high',
  },
  {
    kind: 'anthropic-key',
    title: 'an Anthropic API key',
    pattern: /\bsk-ant-[A-Za-z0-9_-]{20,}/,
    severity: 'high',
  },
  {
    kind: 'huggingface-token',
    title: 'a Hugging Face token',
    pattern: /\bhf_[A-Za-z0-9]{30,}\b/,
    severity: 'high',
  },
  {
    kind: 'databricks-token',
    title: 'a Databricks token',
    pattern: /\bdapi[0-9a-f]{32}\b/,
    severity: 'high',
  },
  {
    kind: 'npm-token',
    title: 'an npm token',
    pattern: /\bnpm_[A-Za-z0-9]{36}\b/,
    severity: 'high',
  },
  {
    kind: 'azure-storage-key',
    title: 'an Azure storage account key',
    pattern: /AccountKey=[A-Za-z0-9+/]{40,}={0,2}/,
    severity: 'high',
  },
  {
    kind: 'jwt',
    title: 'a JSON Web Token',
    pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/,
    severity: 'medium',
  },
  {
    kind: 'url-password',
    title: 'a password in a URL',
    pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@'"]+:([^\s/@'"]{3,})@[^\s/'"]+/i,
    severity: 'high',
  },
];

export interface SecretMatch {
  kind: string;
  title: string;
  severity: Severity;
  /** The matched text; never reported, only masked. */
  value: string;
  /** Character offset of the match. */
  index: number;
}

/** Words that, as a key or part of one, mark its value as a credential. */
const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'pwd',
  'secret',
  'token',
  'apikey',
  'accesskey',
  'secretkey',
  'privatekey',
  'credential',
  'credentials',
  'clientsecret',
  'authtoken',
  'accesstoken',
  'refreshtoken',
  'sastoken',
  'connectionstring',
]);

/** `awsAccessKey_id` → `aws`, `access`, `key`, `id`. */
function words(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** True when a key such as `db_password` or `apiKey` names a credential. */
export function isSecretKey(key: string): boolean {
  const w = words(key);
  for (let i = 0; i < w.length; i++) {
    if (SECRET_WORDS.has(w[i] as string)) return true;
    if (i + 1 < w.length && SECRET_WORDS.has(`${w[i]}${w[i + 1]}`)) return true;
  }
  return false;
}

const PLACEHOLDER =
  /^(?:\*+|x+|<[^>]*>|\$\{[^}]*\}|\$[A-Z_][A-Z0-9_]*|%\([^)]*\)s|\{\{[^}]*\}\}|none|null|nil|true|false|changeme|redacted|\[redacted\]|example|dummy|placeholder|your[-_ ]?\w*|\d+(?:\.\d+)?)$/i;

/** True when a value stored under a credential-like key looks like a real secret. */
export function looksLikeSecretValue(value: string): boolean {
  const v = value.trim();
  if (v.length < 8 || v.length > 512 || /\s/.test(v)) return false;
  if (PLACEHOLDER.test(v)) return false;
  if (/^[a-z]+(?:[._-][a-z]+)*$/.test(v) && v.length < 16) return false; // a word such as "enabled"
  return new Set(v).size >= 5;
}

/** Known credential formats in `text`, at most one per format per position, in order. */
export function findSecretFormats(text: string): SecretMatch[] {
  const out: SecretMatch[] = [];
  for (const format of FORMATS) {
    const re = new RegExp(format.pattern.source, `${format.pattern.flags.replace('g', '')}g`);
    for (const m of text.matchAll(re)) {
      if (format.kind === 'url-password' && !looksLikeSecretValue(`${m[1] ?? ''}xxxxx`)) continue;
      if (format.kind === 'url-password' && PLACEHOLDER.test(m[1] ?? '')) continue;
      out.push({
        kind: format.kind,
        title: format.title,
        severity: format.severity,
        value: m[0],
        index: m.index ?? 0,
      });
    }
  }
  return out.sort((a, b) => a.index - b.index);
}

/** `key = value` / `key: value` / `"key": "value"` assignments with a credential-like key. */
const ASSIGNMENT = /["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?\s*[:=]\s*["']?([^\s"',;]+)/g;

/** Assignments to credential-like keys in one line of text. */
export function findSecretAssignments(
  line: string,
): { key: string; value: string; index: number }[] {
  const out: { key: string; value: string; index: number }[] = [];
  for (const m of line.matchAll(ASSIGNMENT)) {
    const key = m[1] ?? '';
    const value = m[2] ?? '';
    if (isSecretKey(key) && looksLikeSecretValue(value))
      out.push({ key, value, index: m.index ?? 0 });
  }
  return out;
}

/**
 * A masked form of a secret for reports: the first four characters of a known format (its
 * prefix, e.g. `AKIA`, which is not secret) and nothing of anything else.
 */
export function maskSecret(value: string, knownFormat: boolean): string {
  return knownFormat && value.length >= 16 ? `${value.slice(0, 4)}…` : '…';
}
