import type { CheckResult } from '../report.js';
import { html, type IdSource, type SafeHtml } from './_html.js';
import { barChart, groupedBarChart } from './_html-charts.js';
import { nestedNumberMap, numberMap } from './_html-json.js';

/** Groups drawn per chart. */
const MAX_GROUPS = 40;

/** True when the series' magnitudes are within a factor of 10, so one axis serves them all. */
function sharedScale(series: ReadonlyArray<readonly number[]>): boolean {
  const peaks = series.map((values) => Math.max(...values.map(Math.abs))).filter((p) => p > 0);
  return peaks.length === 0 || Math.max(...peaks) / Math.min(...peaks) <= 10;
}

/**
 * Per-group metrics of a fairness result, drawn from their shape:
 * - `{ group: number }` (e.g. `selectionRate: { female: 0.31, male: 0.45 }`) → bars per group;
 * - `{ outer: { inner: number } }` (e.g. `groups: { female: { selectionRate, tpr } }`) → grouped
 *   bars, one cluster per outer key and one bar per inner key; when the inner metrics differ in
 *   scale by more than 10× (a count beside a rate), one bar chart per inner key instead.
 */
export function fairnessView(ids: IdSource, result: CheckResult): SafeHtml | undefined {
  if (result.category !== 'fairness') return undefined;
  const charts: SafeHtml[] = [];
  for (const [name, value] of Object.entries(result.metrics)) {
    const flat = numberMap(value, 2);
    if (flat !== undefined) {
      charts.push(
        barChart(ids, {
          title: `${name} by group`,
          bars: flat.slice(0, MAX_GROUPS).map(([label, v]) => ({ label, value: v })),
          valueLabel: name,
        }),
      );
      continue;
    }
    const nested = nestedNumberMap(value);
    if (nested === undefined) continue;
    const groups = nested.slice(0, MAX_GROUPS);
    const series = [...new Set(groups.flatMap(([, inner]) => inner.map(([k]) => k)))];
    const rows = groups.map(([label, inner]) => ({
      label,
      values: series.map((s) => inner.find(([k]) => k === s)?.[1] ?? null),
    }));
    const columns = series.map((_, i) =>
      rows.map((row) => row.values[i]).filter((v): v is number => typeof v === 'number'),
    );
    if (sharedScale(columns)) {
      charts.push(
        groupedBarChart(ids, { title: `${name}: ${series.join(', ')}`, series, groups: rows }),
      );
    } else {
      for (const s of series) {
        charts.push(
          barChart(ids, {
            title: `${name}: ${s}`,
            bars: rows.flatMap((row) => {
              const v = row.values[series.indexOf(s)];
              return typeof v === 'number' ? [{ label: row.label, value: v }] : [];
            }),
            valueLabel: s,
          }),
        );
      }
    }
  }
  return charts.length > 0 ? html`<div class="charts">${charts}</div>` : undefined;
}
