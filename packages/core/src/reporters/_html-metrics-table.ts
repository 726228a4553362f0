import type { Json } from '../check.js';
import { formatNumber, html, type SafeHtml, truncate } from './_html.js';
import { isRecord, type JsonRecord } from './_html-json.js';

const MAX_STRING = 500;
const MAX_LIST = 20;
const MAX_KEYS = 60;
const MAX_ROWS = 50;
const MAX_COLUMNS = 12;
const MAX_DEPTH = 2;

function isScalar(value: Json): value is string | number | boolean | null {
  return value === null || typeof value !== 'object';
}

function scalar(value: string | number | boolean | null): SafeHtml {
  if (value === null) return html`<span class="muted">null</span>`;
  if (typeof value === 'number') {
    const shown = formatNumber(value);
    return shown === String(value)
      ? html`<span class="num">${shown}</span>`
      : html`<span class="num" title="${String(value)}">${shown}</span>`;
  }
  if (typeof value === 'boolean') return html`<code>${String(value)}</code>`;
  return html`${truncate(value, MAX_STRING)}`;
}

function asJson(value: Json): SafeHtml {
  return html`<code class="json">${truncate(JSON.stringify(value), MAX_STRING)}</code>`;
}

/** An array of records as a small table: one row per item, one column per key. */
function recordsTable(items: readonly JsonRecord[], depth: number): SafeHtml {
  const keys = [...new Set(items.flatMap((item) => Object.keys(item)))];
  const shownKeys = keys.slice(0, MAX_COLUMNS);
  const rows = items.slice(0, MAX_ROWS);
  const more = items.length - rows.length;
  return html`<div class="table-wrap"><table class="sub"><thead><tr>${shownKeys.map(
    (k) => html`<th scope="col">${k}</th>`,
  )}</tr></thead><tbody>${rows.map(
    (item) =>
      html`<tr>${shownKeys.map((k) => {
        const v = item[k];
        return html`<td>${v === undefined ? '' : value(v, depth + 1)}</td>`;
      })}</tr>`,
  )}</tbody></table></div>${more > 0 ? html`<p class="muted">${more} more not shown; see the JSON report.</p>` : ''}${
    keys.length > shownKeys.length
      ? html`<p class="muted">${keys.length - shownKeys.length} more fields not shown.</p>`
      : ''
  }`;
}

function value(v: Json, depth: number): SafeHtml {
  if (isScalar(v)) return scalar(v);
  if (Array.isArray(v)) {
    if (v.length === 0) return html`<span class="muted">none</span>`;
    if (v.every(isScalar)) {
      const shown = v.slice(0, MAX_LIST).map((x) => scalar(x as string | number | boolean | null));
      const more = v.length - shown.length;
      return html`${shown.map((s, i) => html`${i > 0 ? ', ' : ''}${s}`)}${more > 0 ? html` <span class="muted">(+${more} more)</span>` : ''}`;
    }
    if (depth < MAX_DEPTH + 1 && v.every(isRecord)) return recordsTable(v as JsonRecord[], depth);
    return asJson(v);
  }
  if (depth >= MAX_DEPTH) return asJson(v);
  return keyValueTable(v, depth + 1);
}

function keyValueTable(record: JsonRecord, depth: number): SafeHtml {
  const entries = Object.entries(record);
  const shown = entries.slice(0, MAX_KEYS);
  const more = entries.length - shown.length;
  return html`<table class="kv${depth > 0 ? ' sub' : ''}"><tbody>${shown.map(
    ([k, v]) => html`<tr><th scope="row">${k}</th><td>${value(v, depth)}</td></tr>`,
  )}</tbody></table>${more > 0 ? html`<p class="muted">${more} more entries not shown; see the JSON report.</p>` : ''}`;
}

/** Metrics as a readable key/value table; nested objects and arrays of records become sub-tables. */
export function metricsTable(metrics: Readonly<Record<string, Json>>): SafeHtml {
  if (Object.keys(metrics).length === 0) return html`<p class="muted">No metrics.</p>`;
  return html`<div class="table-wrap">${keyValueTable(metrics as JsonRecord, 0)}</div>`;
}
