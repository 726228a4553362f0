import { CATEGORIES, type Category } from '../check.js';
import type { CheckResult, CheckStatus, Report } from '../report.js';
import { meetsThreshold, SEVERITIES } from '../severity.js';
import { formatDuration, html, type IdSource, type SafeHtml } from './_html.js';
import { barChart } from './_html-charts.js';
import { plural, STATUS_ORDER, statusDetail } from './_report-text.js';

const STATUS_WORD: Record<CheckStatus, string> = {
  pass: 'passed',
  fail: 'failed',
  error: 'errored',
  skip: 'skipped',
  incomplete: 'incomplete',
};

function verdictLine(report: Report): string {
  const { summary, policy } = report;
  const failing = SEVERITIES.filter((s) => meetsThreshold(s, policy.failOn)).reduce(
    (n, s) => n + summary.findings[s],
    0,
  );
  const threshold =
    policy.failOn === 'never'
      ? 'findings never fail the run'
      : `the run fails on ${policy.failOn} or above`;
  switch (summary.verdict) {
    case 'fail':
      return `${plural(failing, 'finding')} at or above ${policy.failOn}; ${threshold}.`;
    case 'error':
      return `${plural(summary.errored, 'check')} errored, so the run did not finish; ${threshold}.`;
    case 'incomplete':
      return `${plural(summary.incomplete, 'check')} did not finish (a limit was hit), so the result is not a pass; ${threshold}.`;
    default:
      return `No finding at or above the threshold and every check finished; ${threshold}.`;
  }
}

function activeFindings(result: CheckResult): number {
  return result.findings.filter((f) => f.suppressed === undefined).length;
}

function categoryTable(report: Report): SafeHtml {
  const rows = CATEGORIES.flatMap((category: Category) => {
    const results = report.results.filter((r) => r.category === category);
    if (results.length === 0) return [];
    const count = (s: CheckStatus) => results.filter((r) => r.status === s).length;
    const active = results.reduce((n, r) => n + activeFindings(r), 0);
    const suppressed = results.reduce((n, r) => n + r.findings.length, 0) - active;
    return [
      html`<tr><th scope="row">${category}</th><td class="num">${results.length}</td>${STATUS_ORDER.map(
        (s) => html`<td class="num">${count(s)}</td>`,
      )}<td class="num">${active}</td><td class="num">${suppressed}</td></tr>`,
    ];
  });
  return html`<div class="table-wrap"><table class="data"><caption>Checks and findings by category</caption><thead><tr><th scope="col">Category</th><th scope="col">Checks</th>${STATUS_ORDER.map(
    (s) => html`<th scope="col">${STATUS_WORD[s].replace(/^./, (c) => c.toUpperCase())}</th>`,
  )}<th scope="col">Findings</th><th scope="col">Suppressed</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

function checksTable(report: Report, anchors: ReadonlyMap<string, string>): SafeHtml {
  const rows = report.results.map((r) => {
    const anchor = anchors.get(r.checkId);
    const details = statusDetail(r);
    return html`<tr><th scope="row">${anchor !== undefined ? html`<a href="#${anchor}">${r.title}</a>` : r.title} <code>${r.checkId}</code></th><td>${r.category}</td><td><span class="badge status-${r.status}">${r.status}</span></td><td class="num">${activeFindings(r)}</td><td class="num">${r.status === 'skip' ? 'not run' : formatDuration(r.durationMs)}</td><td>${details.length > 0 ? html`<ul class="reasons">${details.map((d) => html`<li>${d}</li>`)}</ul>` : ''}</td></tr>`;
  });
  return html`<div class="table-wrap"><table class="data"><caption>Status of each check</caption><thead><tr><th scope="col">Check</th><th scope="col">Category</th><th scope="col">Status</th><th scope="col">Findings</th><th scope="col">Duration</th><th scope="col">Errors, skip reasons, limits hit</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

/** Verdict, counts by severity (cards and a chart), by category and by check, and notices. */
export function summarySection(
  report: Report,
  ids: IdSource,
  anchors: ReadonlyMap<string, string>,
): SafeHtml {
  const { summary } = report;
  const statuses = STATUS_ORDER.map((s) => ({
    status: s,
    n: report.results.filter((r) => r.status === s).length,
  }));
  const cards = html`<ul class="cards" aria-label="Findings by severity">${SEVERITIES.map(
    (s) => html`<li class="card sev-${s}"><span class="n">${summary.findings[s]}</span> ${s}</li>`,
  )}<li class="card suppressed"><span class="n">${summary.suppressed}</span> suppressed</li></ul>`;
  const chart = barChart(ids, {
    title: 'Active findings by severity',
    bars: SEVERITIES.map((s) => ({ label: s, value: summary.findings[s], tone: s })),
    valueLabel: 'findings',
  });
  const total = SEVERITIES.reduce((n, s) => n + summary.findings[s], 0);
  const notices = report.notices ?? [];
  return html`<section id="summary" aria-labelledby="summary-h"><h2 id="summary-h">Summary</h2><div class="verdict verdict-${summary.verdict}" role="status"><span class="verdict-word">${summary.verdict}</span><p>${verdictLine(report)}</p></div><p class="statuses">${plural(summary.checks, 'check')}:${statuses.map(
    ({ status, n }) =>
      html` <span class="badge status-${status}">${n} ${STATUS_WORD[status]}</span>`,
  )}</p>${cards}${total > 0 ? html`<div class="charts">${chart}</div>` : ''}${
    notices.length > 0
      ? html`<div class="notices" role="note"><h3>Notices</h3><ul>${notices.map((n) => html`<li>${n}</li>`)}</ul></div>`
      : ''
  }<h3>By category</h3>${categoryTable(report)}<h3>Checks</h3>${checksTable(report, anchors)}</section>`;
}

/** Tool, version, schema, start time, duration, seed and policy of the run. */
export function runSection(report: Report, sources: readonly string[]): SafeHtml {
  const items: Array<[string, SafeHtml]> = [
    ['Tool', html`${report.tool.name} ${report.tool.version}`],
    ['Report format', html`<code>${report.schema}</code>`],
    ['Started', html`<time datetime="${report.startedAt}">${report.startedAt}</time>`],
    ['Duration', html`${formatDuration(report.durationMs)}`],
    ['Seed', html`<code>${String(report.seed)}</code>`],
    [
      'Fails on',
      html`${report.policy.failOn === 'never' ? 'never (findings do not fail the run)' : `${report.policy.failOn} or above`}`,
    ],
  ];
  const inputs = Object.entries(report.inputs ?? {});
  return html`<section id="run" aria-labelledby="run-h"><h2 id="run-h">Run</h2><dl class="run">${items.map(
    ([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`,
  )}</dl>${
    inputs.length > 0
      ? html`<h3>Inputs</h3><dl class="run">${inputs.map(([k, v]) => html`<dt>${k}</dt><dd><code>${v}</code></dd>`)}</dl>`
      : ''
  }${
    inputs.length === 0 && sources.length > 0
      ? html`<h3>Inputs named in findings</h3><ul class="sources">${sources.map((s) => html`<li><code>${s}</code></li>`)}</ul>`
      : ''
  }</section>`;
}
