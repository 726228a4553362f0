import type { CheckResult } from '../report.js';
import { html, type IdSource, join, type SafeHtml } from './_html.js';
import { type LineSeries, lineChart } from './_html-charts.js';
import { finite, isRecord, pointSeries, recordArray, text } from './_html-json.js';

/**
 * Robustness results (`metrics.curve[]` of `{ epsilon, robustAccuracy, successRate, … }` and
 * `metrics.cleanAccuracy`): robust accuracy and attack success rate against epsilon, with clean
 * accuracy as a reference line.
 */
export function robustnessView(ids: IdSource, result: CheckResult): SafeHtml | undefined {
  const curve = recordArray(result.metrics.curve);
  if (curve === undefined) return undefined;
  const accuracy: Array<{ x: number; y: number }> = [];
  const success: Array<{ x: number; y: number }> = [];
  for (const p of curve) {
    const epsilon = finite(p.epsilon);
    const robust = finite(p.robustAccuracy);
    if (epsilon === undefined || robust === undefined) return undefined;
    accuracy.push({ x: epsilon, y: robust });
    const rate = finite(p.successRate);
    if (rate !== undefined) success.push({ x: epsilon, y: rate });
  }
  const clean = finite(result.metrics.cleanAccuracy);
  const attack = text(result.metrics.attack);
  const norm = text(result.metrics.norm);
  const series: LineSeries[] = [{ name: 'robust accuracy', points: accuracy }];
  if (success.length > 0) series.push({ name: 'attack success rate', points: success });
  const under = [attack, norm !== undefined ? (norm === 'inf' ? 'L∞' : `L${norm}`) : undefined]
    .filter((x) => x !== undefined)
    .join(', ');
  return lineChart(ids, {
    title: `Accuracy vs perturbation budget epsilon${under !== '' ? ` (${under})` : ''}`,
    xLabel: 'epsilon',
    yLabel: 'share of rows',
    series,
    yDomain: [0, 1],
    ...(clean !== undefined && { references: [{ y: clean, label: 'clean accuracy' }] }),
  });
}

function spansDecades(xs: readonly number[]): boolean {
  const positive = xs.filter((x) => x > 0);
  return positive.length === xs.length && Math.max(...xs) / Math.min(...xs) >= 100;
}

/**
 * Any other curve in the metrics: an array of two-number points (`[{ queries, fidelity }, …]`),
 * or an object of such arrays (one line each, e.g. one per attack strategy). The first field is x.
 */
export function curveViews(
  ids: IdSource,
  result: CheckResult,
  skip: ReadonlySet<string>,
): SafeHtml[] {
  const charts: SafeHtml[] = [];
  for (const [name, value] of Object.entries(result.metrics)) {
    if (skip.has(name)) continue;
    const single = pointSeries(value);
    if (single !== undefined && single.points.length >= 2) {
      charts.push(
        lineChart(ids, {
          title: `${name}: ${single.y} vs ${single.x}`,
          xLabel: single.x,
          yLabel: single.y,
          series: [{ name: single.y, points: single.points }],
          xLog: spansDecades(single.points.map((p) => p.x)),
        }),
      );
      continue;
    }
    if (!isRecord(value)) continue;
    const members = Object.entries(value).map(([key, v]) => ({ key, curve: pointSeries(v) }));
    const first = members[0]?.curve;
    if (
      first === undefined ||
      !members.every((m) => m.curve !== undefined && m.curve.x === first.x && m.curve.y === first.y)
    ) {
      continue;
    }
    const series = members.map((m) => ({ name: m.key, points: m.curve?.points ?? [] }));
    charts.push(
      lineChart(ids, {
        title: `${name}: ${first.y} vs ${first.x}`,
        xLabel: first.x,
        yLabel: first.y,
        series,
        xLog: spansDecades(series.flatMap((s) => s.points.map((p) => p.x))),
      }),
    );
  }
  return charts.length > 0 ? [html`<div class="charts">${join(charts)}</div>`] : [];
}
