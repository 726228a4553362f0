import {
  formatNumber,
  type HtmlPart,
  html,
  type IdSource,
  join,
  type SafeHtml,
  truncate,
} from './_html.js';

/** Width of every chart's coordinate system; charts scale down with CSS. */
const W = 640;
/** Characters of an axis label before it is cut (the full label is in the tooltip and table). */
const LABEL_CHARS = 24;

/** Width of the label column: enough for the longest (cut) label, at most 180. */
function labelWidth(labels: readonly string[]): number {
  const longest = Math.max(0, ...labels.map((l) => Math.min(l.length, LABEL_CHARS)));
  return Math.min(180, Math.max(48, Math.round(longest * 7.4) + 14));
}

/** One decimal place is plenty for coordinates, and keeps the output short and stable. */
function r(n: number): number {
  return Math.round(n * 10) / 10;
}

/** 1, 2, 2.5, 5 or 10 times a power of ten, at least `v`. */
export function niceCeil(v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) return 1;
  const mag = 10 ** Math.floor(Math.log10(v));
  const n = v / mag;
  const c = n <= 1 ? 1 : n <= 2 ? 2 : n <= 2.5 ? 2.5 : n <= 5 ? 5 : 10;
  return Number((c * mag).toPrecision(12));
}

/** About `target` round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, target = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
  const ticks: number[] = [];
  for (let i = Math.ceil(lo / step - 1e-9); i * step <= hi + step * 1e-9; i++) {
    ticks.push(Number((i * step).toPrecision(12)));
  }
  return ticks;
}

function dataTable(head: readonly string[], rows: ReadonlyArray<readonly HtmlPart[]>): SafeHtml {
  return html`<details class="chart-data"><summary>Data</summary><div class="table-wrap"><table><thead><tr>${head.map(
    (h) => html`<th scope="col">${h}</th>`,
  )}</tr></thead><tbody>${rows.map(
    (row) =>
      html`<tr>${row.map((cell, i) => (i === 0 ? html`<th scope="row">${cell}</th>` : html`<td>${cell}</td>`))}</tr>`,
  )}</tbody></table></div></details>`;
}

function figure(
  kind: string,
  ids: IdSource,
  title: string,
  height: number,
  body: SafeHtml,
  data: SafeHtml,
): SafeHtml {
  const caption = ids.next('chart');
  return html`<figure class="chart" data-chart="${kind}"><figcaption id="${caption}">${title}</figcaption><svg class="chart-svg" viewBox="0 0 ${W} ${r(height)}" width="${W}" height="${r(height)}" role="img" aria-labelledby="${caption}" focusable="false">${body}</svg>${data}</figure>`;
}

/** Legend items laid out left to right, wrapping; widths estimated from the text length. */
function legend(
  series: readonly string[],
  x0: number,
  y0: number,
): { svg: SafeHtml; height: number } {
  let x = x0;
  let y = y0;
  const items = series.map((name, i) => {
    const label = truncate(name, 28);
    const width = 17 + label.length * 7 + 18;
    if (x > x0 && x + width > W) {
      x = x0;
      y += 18;
    }
    const item = html`<g class="legend s${i % 6}"><rect class="swatch" x="${r(x)}" y="${r(y + 2)}" width="12" height="12" rx="2"/><text x="${r(x + 17)}" y="${r(y + 12)}">${label}</text></g>`;
    x += width;
    return item;
  });
  return { svg: join(items), height: series.length > 0 ? y - y0 + 24 : 0 };
}

const PAD = 8;

/**
 * Where values go on a horizontal bar chart: between the label column and room for the value
 * text, with zero always on the axis (so negative values extend left).
 */
function horizontalScale(values: readonly number[], labelW: number, valueW: number) {
  const finite = values.filter(Number.isFinite);
  const hi = Math.max(0, ...finite);
  const lo = Math.min(0, ...finite);
  const span = hi - lo || 1;
  const plotW = W - labelW - valueW - PAD;
  const x = (v: number) => labelW + ((v - lo) / span) * plotW;
  /** Left edge and width of the bar from zero to `v`; at least 1 unit wide when `v` is not 0. */
  const span0 = (v: number) => {
    const x0 = x(0);
    const x1 = x(v);
    return {
      left: r(Math.min(x0, x1)),
      right: Math.max(x0, x1),
      width: r(Math.max(Math.abs(x1 - x0), v === 0 ? 0 : 1)),
    };
  };
  /** The zero line from `y1` to `y2`. */
  const axis = (y1: number, y2: number) =>
    html`<line class="axis" x1="${r(x(0))}" y1="${r(y1)}" x2="${r(x(0))}" y2="${r(y2)}"/>`;
  return { span: span0, axis };
}

export interface Bar {
  label: string;
  value: number;
  /** Marks the bar (e.g. `drifted`): drawn in the accent colour and written next to the value. */
  flag?: string;
  /** Colour of the bar from the palette: a severity, or `pass` / `fail` / `warn` / `skip`. */
  tone?: string;
}

/** Horizontal bars, one per label, with the value written at the end of each bar. */
export function barChart(
  ids: IdSource,
  options: { title: string; bars: readonly Bar[]; valueLabel?: string },
): SafeHtml {
  const bars = options.bars.filter((b) => Number.isFinite(b.value));
  const labelW = labelWidth(bars.map((b) => b.label));
  const rowH = 22;
  const scale = horizontalScale(
    bars.map((b) => b.value),
    labelW,
    120,
  );
  const height = PAD * 2 + bars.length * rowH;
  const rows = bars.map((b, i) => {
    const y = PAD + i * rowH;
    const s = scale.span(b.value);
    const value = `${formatNumber(b.value)}${b.flag !== undefined ? ` · ${b.flag}` : ''}`;
    const cls =
      b.flag !== undefined ? 'bar flag' : b.tone !== undefined ? `bar tone-${b.tone}` : 'bar';
    return html`<g class="${cls}"><title>${b.label}: ${value}</title><text class="label" x="${labelW - 6}" y="${r(y + 15)}" text-anchor="end">${truncate(b.label, LABEL_CHARS)}</text><rect x="${s.left}" y="${r(y + 4)}" width="${s.width}" height="14" rx="2"/><text class="value" x="${r(s.right + 6)}" y="${r(y + 15)}">${value}</text></g>`;
  });
  return figure(
    'bar',
    ids,
    options.title,
    height,
    join([scale.axis(PAD, height - PAD), ...rows]),
    dataTable(
      ['Name', options.valueLabel ?? 'Value', 'Note'],
      bars.map((b) => [b.label, formatNumber(b.value), b.flag ?? '']),
    ),
  );
}

export interface BarGroup {
  label: string;
  /** One value per series; `null` where the series has none. */
  values: ReadonlyArray<number | null>;
}

/** Horizontal bars in clusters: one cluster per group, one bar per series, with a legend. */
export function groupedBarChart(
  ids: IdSource,
  options: {
    title: string;
    series: readonly string[];
    groups: readonly BarGroup[];
    /** How values are written; plain numbers by default. */
    format?: (value: number) => string;
  },
): SafeHtml {
  const format = options.format ?? formatNumber;
  const labelW = labelWidth(options.groups.map((g) => g.label));
  const barH = 12;
  const scale = horizontalScale(
    options.groups.flatMap((g) => g.values.filter((v): v is number => v !== null)),
    labelW,
    80,
  );
  const key = legend(options.series, labelW, PAD);
  const groupH = options.series.length * (barH + 2) + 10;
  const top = PAD + key.height;
  const height = top + options.groups.length * groupH + PAD;
  const groups = options.groups.map((g, gi) => {
    const y0 = top + gi * groupH;
    const bars = g.values.map((v, si) => {
      if (v === null || !Number.isFinite(v)) return '';
      const y = y0 + si * (barH + 2);
      const s = scale.span(v);
      const name = options.series[si] ?? '';
      return html`<g class="bar s${si % 6}"><title>${g.label}, ${name}: ${format(v)}</title><rect x="${s.left}" y="${r(y)}" width="${s.width}" height="${barH}" rx="2"/><text class="value" x="${r(s.right + 5)}" y="${r(y + 10)}">${format(v)}</text></g>`;
    });
    const mid = y0 + (options.series.length * (barH + 2)) / 2 + 4;
    return html`<g class="group"><text class="label" x="${labelW - 6}" y="${r(mid)}" text-anchor="end"><title>${g.label}</title>${truncate(g.label, LABEL_CHARS)}</text>${bars}</g>`;
  });
  return figure(
    'grouped-bar',
    ids,
    options.title,
    height,
    join([key.svg, scale.axis(top, height - PAD), ...groups]),
    dataTable(
      ['Group', ...options.series],
      options.groups.map((g) => [
        g.label,
        ...options.series.map((_, i) => {
          const v = g.values[i];
          return v === null || v === undefined ? '' : format(v);
        }),
      ]),
    ),
  );
}

export interface LineSeries {
  name: string;
  points: ReadonlyArray<{ x: number; y: number }>;
}

/** Lines with point markers over numeric axes; `xLog` uses a log scale when every x is positive. */
export function lineChart(
  ids: IdSource,
  options: {
    title: string;
    xLabel: string;
    yLabel: string;
    series: readonly LineSeries[];
    yDomain?: readonly [number, number];
    xLog?: boolean;
    /** Horizontal reference lines, e.g. clean accuracy. */
    references?: ReadonlyArray<{ y: number; label: string }>;
  },
): SafeHtml {
  const series = options.series.map((s) => ({
    ...s,
    points: s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)),
  }));
  const points = series.flatMap((s) => s.points);
  const references = (options.references ?? []).filter((ref) => Number.isFinite(ref.y));
  const xs = points.map((p) => p.x);
  const ys = [...points.map((p) => p.y), ...references.map((ref) => ref.y)];
  const log = options.xLog === true && xs.length > 0 && xs.every((v) => v > 0);
  const tx = (v: number) => (log ? Math.log10(v) : v);
  let xLo = xs.length > 0 ? Math.min(...xs.map(tx)) : 0;
  let xHi = xs.length > 0 ? Math.max(...xs.map(tx)) : 1;
  if (xHi === xLo) {
    xLo -= log ? 0.5 : 1;
    xHi += log ? 0.5 : 1;
  }
  const [yLo, yHi] = options.yDomain ?? [
    Math.min(0, ...ys),
    niceCeil(Math.max(...ys.map(Math.abs), 0)),
  ];
  const key = legend([...series.map((s) => s.name), ...references.map((ref) => ref.label)], 60, 8);
  const m = { l: 60, r: 20, t: 8 + key.height + 6, b: 46 };
  const height = 300 + key.height;
  const plotW = W - m.l - m.r;
  const plotH = height - m.t - m.b;
  const px = (v: number) => m.l + ((tx(v) - xLo) / (xHi - xLo)) * plotW;
  const py = (v: number) => m.t + (1 - (v - yLo) / (yHi - yLo || 1)) * plotH;
  const xTicks = log
    ? niceTicks(Math.ceil(xLo), Math.floor(xHi), 6)
        .filter(Number.isInteger)
        .map((e) => 10 ** e)
    : niceTicks(xLo, xHi, 6);
  const yTicks = niceTicks(yLo, yHi, 5);
  const grid = join([
    ...yTicks.map(
      (t) =>
        html`<line class="grid" x1="${m.l}" y1="${r(py(t))}" x2="${W - m.r}" y2="${r(py(t))}"/><text class="tick" x="${m.l - 6}" y="${r(py(t) + 4)}" text-anchor="end">${formatNumber(t)}</text>`,
    ),
    ...xTicks.map(
      (t) =>
        html`<line class="tick-mark" x1="${r(px(t))}" y1="${m.t + plotH}" x2="${r(px(t))}" y2="${m.t + plotH + 5}"/><text class="tick" x="${r(px(t))}" y="${m.t + plotH + 18}" text-anchor="middle">${formatNumber(t)}</text>`,
    ),
    html`<line class="axis" x1="${m.l}" y1="${m.t + plotH}" x2="${W - m.r}" y2="${m.t + plotH}"/><line class="axis" x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${m.t + plotH}"/>`,
    html`<text class="axis-title" x="${r(m.l + plotW / 2)}" y="${height - 8}" text-anchor="middle">${options.xLabel}${log ? ' (log scale)' : ''}</text>`,
    html`<text class="axis-title" transform="translate(14 ${r(m.t + plotH / 2)}) rotate(-90)" text-anchor="middle">${options.yLabel}</text>`,
  ]);
  const refs = references.map((ref, i) => {
    const cls = `s${(series.length + i) % 6}`;
    return html`<g class="reference ${cls}"><title>${ref.label}: ${formatNumber(ref.y)}</title><line x1="${m.l}" y1="${r(py(ref.y))}" x2="${W - m.r}" y2="${r(py(ref.y))}"/></g>`;
  });
  const lines = series.map((s, i) => {
    const sorted = [...s.points].sort((a, b) => a.x - b.x);
    const d = sorted.map((p, j) => `${j === 0 ? 'M' : 'L'}${r(px(p.x))} ${r(py(p.y))}`).join(' ');
    const marks = sorted.map(
      (p) =>
        html`<circle cx="${r(px(p.x))}" cy="${r(py(p.y))}" r="4"><title>${s.name} at ${options.xLabel} ${formatNumber(p.x)}: ${formatNumber(p.y)}</title></circle>`,
    );
    return html`<g class="series s${i % 6}"><path d="${d}"/>${marks}</g>`;
  });
  const xValues = [...new Set(points.map((p) => p.x))].sort((a, b) => a - b);
  return figure(
    'line',
    ids,
    options.title,
    height,
    join([key.svg, grid, ...refs, ...lines]),
    dataTable(
      [options.xLabel, ...series.map((s) => s.name)],
      xValues.map((xv) => [
        formatNumber(xv),
        ...series.map((s) => {
          const p = s.points.find((q) => q.x === xv);
          return p === undefined ? '' : formatNumber(p.y);
        }),
      ]),
    ),
  );
}

/**
 * Overlaid distributions over shared numeric bins: one bar per series in every bin, as shares of
 * each series' total so samples of different sizes compare.
 */
export function histogramChart(
  ids: IdSource,
  options: {
    title: string;
    edges: readonly number[];
    series: ReadonlyArray<{ name: string; counts: readonly number[] }>;
  },
): SafeHtml {
  const bins = Math.max(0, options.edges.length - 1);
  const shares = options.series.map((s) => {
    const total = s.counts.slice(0, bins).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
    return Array.from({ length: bins }, (_, i) => {
      const c = s.counts[i] ?? 0;
      return total > 0 && Number.isFinite(c) ? c / total : 0;
    });
  });
  const key = legend(
    options.series.map((s) => s.name),
    56,
    8,
  );
  const m = { l: 56, r: 16, t: 8 + key.height + 6, b: 40 };
  const height = 240 + key.height;
  const plotW = W - m.l - m.r;
  const plotH = height - m.t - m.b;
  const yHi = niceCeil(Math.max(0, ...shares.flat()));
  const py = (v: number) => m.t + (1 - v / yHi) * plotH;
  const binW = bins > 0 ? plotW / bins : plotW;
  const barW = (binW * 0.84) / Math.max(1, options.series.length);
  const bars = shares.map((values, si) =>
    values.map((v, bi) => {
      const x = m.l + bi * binW + binW * 0.08 + si * barW;
      const lo = options.edges[bi] as number;
      const hiEdge = options.edges[bi + 1] as number;
      return html`<g class="bar s${si % 6}"><title>${options.series[si]?.name}, ${formatNumber(lo)} to ${formatNumber(hiEdge)}: ${formatNumber(v * 100)}%</title><rect x="${r(x)}" y="${r(py(v))}" width="${r(Math.max(barW - 1, 0.5))}" height="${r(py(0) - py(v))}"/></g>`;
    }),
  );
  const every = Math.max(1, Math.ceil(bins / 6));
  const xTicks = options.edges
    .map((e, i) => ({ e, i }))
    .filter(({ i }) => i % every === 0 || i === bins)
    .map(
      ({ e, i }) =>
        html`<line class="tick-mark" x1="${r(m.l + i * binW)}" y1="${m.t + plotH}" x2="${r(m.l + i * binW)}" y2="${m.t + plotH + 5}"/><text class="tick" x="${r(m.l + i * binW)}" y="${m.t + plotH + 18}" text-anchor="middle">${formatNumber(e)}</text>`,
    );
  const yTicks = niceTicks(0, yHi, 4).map(
    (t) =>
      html`<line class="grid" x1="${m.l}" y1="${r(py(t))}" x2="${W - m.r}" y2="${r(py(t))}"/><text class="tick" x="${m.l - 6}" y="${r(py(t) + 4)}" text-anchor="end">${formatNumber(t * 100)}%</text>`,
  );
  const axes = html`<line class="axis" x1="${m.l}" y1="${m.t + plotH}" x2="${W - m.r}" y2="${m.t + plotH}"/>`;
  return figure(
    'histogram',
    ids,
    options.title,
    height,
    join([key.svg, ...yTicks, ...bars.flat(), ...xTicks, axes]),
    dataTable(
      ['Bin', ...options.series.map((s) => `${s.name} (share)`)],
      Array.from({ length: bins }, (_, i) => [
        `${formatNumber(options.edges[i] as number)} to ${formatNumber(options.edges[i + 1] as number)}`,
        ...shares.map((values) => `${formatNumber((values[i] ?? 0) * 100)}%`),
      ]),
    ),
  );
}
