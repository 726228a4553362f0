import type { CheckResult } from '../report.js';
import { externalLink, formatDuration, html, type IdSource, join, type SafeHtml } from './_html.js';
import { artifactsView } from './_html-artifacts.js';
import { curveViews, robustnessView } from './_html-curves.js';
import { driftView } from './_html-drift.js';
import { fairnessView } from './_html-fairness.js';
import { threatLinks } from './_html-findings.js';
import { metricsTable } from './_html-metrics-table.js';
import { checkDocsUrl } from './_links.js';
import { plural } from './_report-text.js';
import type { CheckInfo } from './reporter.js';

function statusNote(result: CheckResult): SafeHtml {
  switch (result.status) {
    case 'error':
      return html`<div class="callout status-error" role="note"><strong>The check failed:</strong> ${result.error?.message ?? 'no message'}${
        result.error?.code !== undefined ? html` <code>${result.error.code}</code>` : ''
      }${result.error?.hint !== undefined ? html`<br>Hint: ${result.error.hint}` : ''}${result.findings.length > 0 ? html`<br>Findings gathered before the failure are kept.` : ''}</div>`;
    case 'skip':
      return html`<div class="callout status-skip" role="note"><strong>Skipped:</strong> ${result.reason ?? 'no reason given'}</div>`;
    default: {
      const limits = result.incomplete ?? [];
      if (limits.length === 0) return html``;
      return html`<div class="callout status-incomplete" role="note"><strong>Did not finish</strong> (a limit was hit, so this result is never a pass):<ul>${limits.map(
        (l) => html`<li>${l}</li>`,
      )}</ul></div>`;
    }
  }
}

/** Charts chosen by the shape of the metrics; empty when no shape is recognised. */
function views(ids: IdSource, result: CheckResult): SafeHtml[] {
  const out: SafeHtml[] = [];
  const handled = new Set<string>();
  const drift = driftView(ids, result);
  if (drift !== undefined) {
    out.push(drift);
    handled.add('columns');
  }
  const robustness = robustnessView(ids, result);
  if (robustness !== undefined) {
    out.push(html`<div class="charts">${robustness}</div>`);
    handled.add('curve');
  }
  const fairness = fairnessView(ids, result);
  if (fairness !== undefined) out.push(fairness);
  const artifacts = artifactsView(ids, result);
  if (artifacts !== undefined) {
    out.push(artifacts);
    handled.add('files');
  }
  out.push(...curveViews(ids, result, handled));
  return out;
}

/**
 * One check: title, status, category, duration, description, threats and docs link; why it
 * errored, was skipped or did not finish; charts for its metrics; a button that shows its findings
 * in the table; and every metric as a key/value table (open when nothing was drawn).
 */
export function checkSection(
  ids: IdSource,
  result: CheckResult,
  anchor: string,
  info: CheckInfo | undefined,
): SafeHtml {
  const active = result.findings.filter((f) => f.suppressed === undefined).length;
  const suppressed = result.findings.length - active;
  const drawn = views(ids, result);
  const heading = `${anchor}-h`;
  const threats = info !== undefined ? threatLinks(info.taxonomy) : html``;
  const findingsText = `${plural(active, 'finding')}${suppressed > 0 ? `, ${suppressed} suppressed` : ''}`;
  return html`<article class="check" id="${anchor}" aria-labelledby="${heading}"><header class="check-head"><h3 id="${heading}">${result.title} <code>${result.checkId}</code></h3><span class="badge status-${result.status}">${result.status}</span></header><p class="meta">${result.category} · ${result.status === 'skip' ? 'not run' : formatDuration(result.durationMs)} · ${findingsText}${
    info !== undefined ? html` · ${externalLink(checkDocsUrl(info), 'documentation')}` : ''
  }</p>${info !== undefined ? html`<p class="description">${info.description}</p>` : ''}${
    threats.value !== '' ? html`<p class="threats"><strong>Threats:</strong> ${threats}</p>` : ''
  }${statusNote(result)}${join(drawn)}${
    result.findings.length > 0
      ? html`<p><button type="button" class="show-findings" data-check="${result.checkId}" hidden>Show its ${plural(result.findings.length, 'finding')} in the table</button></p>`
      : ''
  }${
    Object.keys(result.metrics).length > 0
      ? html`<details class="metrics"${drawn.length === 0 ? html` open` : ''}><summary>${drawn.length === 0 ? 'Metrics' : 'All metrics'}</summary>${metricsTable(result.metrics)}</details>`
      : ''
  }</article>`;
}
