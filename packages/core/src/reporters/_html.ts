import { visible } from './_report-text.js';

/** Markup that is already safe: produced by `html` or by a function that escaped everything. */
export class SafeHtml {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
  toString(): string {
    return this.value;
  }
}

/** What `html` interpolates: markup as is; strings and numbers escaped; empty values dropped. */
export type HtmlPart =
  | SafeHtml
  | string
  | number
  | boolean
  | null
  | undefined
  | readonly HtmlPart[];

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes text for HTML content and quoted attribute values. Control characters and bidirectional
 * overrides first become visible `\u{…}` escapes, so a file name cannot reorder what a reader sees.
 */
export function escapeHtml(text: string): string {
  return visible(text).replace(/[&<>"']/g, (c) => ENTITIES[c] as string);
}

function part(value: HtmlPart): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(part).join('');
  if (value === null || value === undefined || value === false || value === true) return '';
  return escapeHtml(String(value));
}

/**
 * Template tag: every interpolated string or number is escaped, `SafeHtml` is kept, arrays are
 * joined and `null`/`undefined`/booleans vanish. Attribute values must be written in quotes.
 */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlPart[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += part(values[i]) + (strings[i + 1] ?? '');
  return new SafeHtml(out);
}

/** Joins parts into one piece of markup. */
export function join(parts: readonly HtmlPart[], separator = ''): SafeHtml {
  return new SafeHtml(parts.map(part).join(separator));
}

/** The URL when it is http(s), so a link can never run script; `undefined` otherwise. */
export function safeUrl(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

/** A link that opens elsewhere and sends no referrer; plain text when the URL is not http(s). */
export function externalLink(url: string, text: HtmlPart): SafeHtml {
  const href = safeUrl(url);
  if (href === undefined) return html`${text}`;
  return html`<a href="${href}" rel="noopener noreferrer" target="_blank">${text}</a>`;
}

/** Short, locale-independent number text: integers as is, 4 significant digits otherwise. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return String(n);
  const abs = Math.abs(n);
  if (abs < 1e-4 || abs >= 1e9) return Number(n.toPrecision(4)).toExponential();
  return String(Number(n.toPrecision(4)));
}

/** `850 ms`, `12.3 s`, `4 min 5 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${formatNumber(Math.round(ms / 100) / 10)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** Shortens text to `max` characters with an ellipsis. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Hands out document-unique ids in render order, so the output is deterministic. */
export class IdSource {
  #next = 0;
  #used = new Set<string>();
  /** A fresh id: `prefix-1`, `prefix-2`, … */
  next(prefix: string): string {
    this.#next += 1;
    return `${prefix}-${this.#next}`;
  }
  /** A readable id derived from `name`, made unique when two names clean up to the same id. */
  named(prefix: string, name: string): string {
    const base = `${prefix}-${name.replace(/[^A-Za-z0-9_.-]+/g, '_')}`;
    let id = base;
    for (let n = 2; this.#used.has(id); n++) id = `${base}-${n}`;
    this.#used.add(id);
    return id;
  }
}
