import type { CheckResult } from '../report.js';
import { formatNumber, html, type IdSource, join, type SafeHtml } from './_html.js';
import { type Bar, barChart, groupedBarChart, histogramChart } from './_html-charts.js';
import { finite, isRecord, type JsonRecord, numberArray, text } from './_html-json.js';

/** Bars per drift-score chart; the column table lists every column. */
const MAX_BARS = 30;
/** Columns whose distributions are drawn. */
const MAX_HISTOGRAMS = 24;
/** Categories drawn per categorical column (the most frequent in either sample). */
const MAX_CATEGORIES = 20;

interface DriftColumn {
  name: string;
  m: JsonRecord;
  drifted: boolean;
}

const SCORES: ReadonlyArray<{
  title: string;
  label: string;
  get(m: JsonRecord): number | undefined;
}> = [
  {
    title: 'Kolmogorov–Smirnov statistic per column',
    label: 'KS statistic',
    get: (m) => (isRecord(m.ks) ? finite(m.ks.statistic) : undefined),
  },
  { title: 'Population stability index (PSI) per column', label: 'PSI', get: (m) => finite(m.psi) },
  {
    title: 'Wasserstein distance (in reference standard deviations) per column',
    label: 'normalised Wasserstein',
    get: (m) => finite(m.wasserstein),
  },
  {
    title: 'Jensen–Shannon distance per column',
    label: 'Jensen–Shannon distance',
    get: (m) => finite(m.jensenShannon),
  },
];

/** Columns of a drift result: `metrics.columns.<name>` with `kind` and a boolean `drifted`. */
function driftColumns(result: CheckResult): DriftColumn[] {
  const columns = result.metrics.columns;
  if (!isRecord(columns)) return [];
  const out: DriftColumn[] = [];
  for (const [name, m] of Object.entries(columns)) {
    if (!isRecord(m) || typeof m.drifted !== 'boolean') continue;
    if (m.kind !== 'numeric' && m.kind !== 'categorical') continue;
    out.push({ name, m, drifted: m.drifted });
  }
  return out;
}

function scoreCharts(ids: IdSource, columns: readonly DriftColumn[]): SafeHtml[] {
  return SCORES.flatMap((score) => {
    const bars: Bar[] = [];
    for (const c of columns) {
      const v = score.get(c.m);
      if (v !== undefined)
        bars.push({ label: c.name, value: v, ...(c.drifted && { flag: 'drifted' }) });
    }
    if (bars.length === 0) return [];
    bars.sort((a, b) => b.value - a.value || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
    const shown = bars.slice(0, MAX_BARS);
    const title =
      bars.length > shown.length
        ? `${score.title} (the ${shown.length} highest of ${bars.length})`
        : score.title;
    return [barChart(ids, { title, bars: shown, valueLabel: score.label })];
  });
}

/**
 * Reference vs current distribution of a column, when the check recorded one:
 * `histogram: { edges: number[], reference: number[], current: number[] }` (numeric, counts per
 * bin) or `histogram: { categories: string[], reference: number[], current: number[] }`.
 */
function distributionChart(ids: IdSource, c: DriftColumn): SafeHtml | undefined {
  const h = c.m.histogram;
  if (!isRecord(h)) return undefined;
  const reference = numberArray(h.reference);
  const current = numberArray(h.current);
  if (reference === undefined || current === undefined) return undefined;
  const title = `${c.name}: reference vs current${c.drifted ? ' (drifted)' : ''}`;
  const edges = numberArray(h.edges);
  if (edges !== undefined) {
    const bins = edges.length - 1;
    if (bins < 1 || reference.length !== bins || current.length !== bins) return undefined;
    return histogramChart(ids, {
      title,
      edges,
      series: [
        { name: 'reference', counts: reference },
        { name: 'current', counts: current },
      ],
    });
  }
  const categories = Array.isArray(h.categories) ? h.categories.map((x) => String(x)) : undefined;
  if (
    categories === undefined ||
    reference.length !== categories.length ||
    current.length !== categories.length
  ) {
    return undefined;
  }
  const refTotal = reference.reduce((a, b) => a + b, 0) || 1;
  const curTotal = current.reduce((a, b) => a + b, 0) || 1;
  const rows = categories.map((label, i) => ({
    label,
    ref: (reference[i] as number) / refTotal,
    cur: (current[i] as number) / curTotal,
  }));
  rows.sort((a, b) => Math.max(b.ref, b.cur) - Math.max(a.ref, a.cur));
  const shown = rows.slice(0, MAX_CATEGORIES);
  return groupedBarChart(ids, {
    title: `${title}, share of values${rows.length > shown.length ? ` (the ${shown.length} most frequent of ${rows.length} categories)` : ''}`,
    series: ['reference', 'current'],
    groups: shown.map((row) => ({ label: row.label, values: [row.ref * 100, row.cur * 100] })),
    format: (v) => `${formatNumber(v)}%`,
  });
}

function cell(n: number | undefined): SafeHtml {
  return n === undefined
    ? html`<span class="muted">–</span>`
    : html`<span class="num">${formatNumber(n)}</span>`;
}

function columnTable(columns: readonly DriftColumn[]): SafeHtml {
  const rows = columns.map(({ name, m, drifted }) => {
    const ks = isRecord(m.ks) ? m.ks : {};
    const chi2 = isRecord(m.chi2) ? m.chi2 : {};
    return html`<tr class="${drifted ? 'drifted' : ''}"><th scope="row">${name}</th><td>${text(m.kind) ?? ''}</td><td>${text(m.test) ?? ''}</td><td>${drifted ? html`<span class="badge status-fail">drifted</span>` : html`<span class="badge status-pass">stable</span>`}</td><td>${cell(finite(ks.statistic))}</td><td>${cell(finite(ks.pValue))}</td><td>${cell(finite(m.wasserstein))}</td><td>${cell(finite(m.psi))}</td><td>${cell(finite(chi2.pValue))}</td><td>${cell(finite(m.jensenShannon))}</td></tr>`;
  });
  return html`<div class="table-wrap"><table class="data"><caption>Columns compared</caption><thead><tr><th scope="col">Column</th><th scope="col">Kind</th><th scope="col">Test</th><th scope="col">Drift</th><th scope="col">KS statistic</th><th scope="col">KS p-value</th><th scope="col">Wasserstein (norm.)</th><th scope="col">PSI</th><th scope="col">χ² p-value</th><th scope="col">Jensen–Shannon</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

/**
 * Drift results (`metrics.columns.<name>` with `kind`, `test`, `drifted` and scores): a summary
 * line, a bar chart per score with drifted columns marked, reference-vs-current distributions when
 * the check recorded histograms, the column table and the columns that were not compared.
 */
export function driftView(ids: IdSource, result: CheckResult): SafeHtml | undefined {
  const columns = driftColumns(result);
  if (columns.length === 0) return undefined;
  const m = result.metrics;
  const drifted = columns.filter((c) => c.drifted).length;
  const share = finite(m.driftShare);
  const summary = html`<p class="lede"><strong>${drifted} of ${columns.length}</strong> compared columns drifted${
    share !== undefined ? html` (share ${formatNumber(share)})` : ''
  }${m.datasetDrift === true ? html`; <strong>the dataset drifted</strong>` : m.datasetDrift === false ? '; the dataset as a whole did not drift' : ''}.</p>`;
  const histograms = columns
    .map((c) => distributionChart(ids, c))
    .filter((chart): chart is SafeHtml => chart !== undefined)
    .slice(0, MAX_HISTOGRAMS);
  const skipped = isRecord(m.skippedColumns) ? Object.entries(m.skippedColumns) : [];
  return join([
    summary,
    html`<div class="charts">${scoreCharts(ids, columns)}</div>`,
    histograms.length > 0
      ? html`<h4>Distributions</h4><div class="charts">${histograms}</div>`
      : '',
    columnTable(columns),
    skipped.length > 0
      ? html`<h4>Columns not compared</h4><ul>${skipped.map(
          ([name, why]) =>
            html`<li><code>${name}</code>: ${typeof why === 'string' ? why : JSON.stringify(why)}</li>`,
        )}</ul>`
      : '',
  ]);
}
