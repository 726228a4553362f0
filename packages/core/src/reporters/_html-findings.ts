import type { Finding } from '../finding.js';
import type { Report } from '../report.js';
import { SEVERITIES, severityRank } from '../severity.js';
import { describeTaxonomyId, type Taxonomy } from '../taxonomy.js';
import { externalLink, html, type SafeHtml, truncate } from './_html.js';
import { type FindingEntry, formatLocation, plural } from './_report-text.js';

/** Characters of evidence shown per finding; the JSON report has all of it. */
const MAX_EVIDENCE = 4000;

/** Links to the MITRE ATLAS / OWASP ML Top 10 pages of a taxonomy's ids. */
export function threatLinks(taxonomy: Taxonomy): SafeHtml {
  const ids = [...(taxonomy.atlas ?? []), ...(taxonomy.owasp ?? [])];
  return html`${ids.map((id, i) => {
    const t = describeTaxonomyId(id);
    return html`${i > 0 ? ', ' : ''}${externalLink(t.url, `${t.id} ${t.name}`)}`;
  })}`;
}

/** Severity rank for sorting: 0 for critical … 4 for info, so ascending puts the worst first. */
function severityOrder(finding: Finding): number {
  return SEVERITIES.length - 1 - severityRank(finding.severity);
}

function suppressionNote(finding: Finding): SafeHtml {
  const s = finding.suppressed;
  if (s === undefined) return html``;
  return html`<p class="suppression"><strong>Suppressed</strong> (${s.kind === 'baseline' ? 'in the baseline' : 'by configuration'}${s.expires !== undefined ? `, until ${s.expires}` : ''}): ${s.reason}</p>`;
}

function row(entry: FindingEntry, index: number, anchors: ReadonlyMap<string, string>): SafeHtml {
  const f = entry.finding;
  const suppressed = f.suppressed !== undefined;
  const location = f.location !== undefined ? formatLocation(f.location) : '';
  const anchor = anchors.get(f.checkId);
  const check = html`<code>${f.checkId}</code>`;
  const evidence =
    f.evidence !== undefined && Object.keys(f.evidence).length > 0
      ? html`<p><strong>Evidence</strong></p><pre>${truncate(JSON.stringify(f.evidence, null, 2) ?? '', MAX_EVIDENCE)}</pre>`
      : '';
  const threats = threatLinks(f.taxonomy);
  // The rule column repeats nothing the check column says: `check/rule` shows as `rule`.
  const rule = f.ruleId.startsWith(`${f.checkId}/`)
    ? f.ruleId.slice(f.checkId.length + 1)
    : f.ruleId;
  return html`<tr data-severity="${f.severity}" data-check="${f.checkId}" data-state="${suppressed ? 'suppressed' : 'active'}" data-index="${index}"${suppressed ? html` class="is-suppressed"` : ''}><td data-sort="${severityOrder(f)}"><span class="badge sev-${f.severity}">${f.severity}</span>${suppressed ? html` <span class="badge suppressed">suppressed</span>` : ''}</td><td data-sort="${f.checkId}">${anchor !== undefined ? html`<a href="#${anchor}">${check}</a>` : check}</td><td data-sort="${f.ruleId}"><code title="${f.ruleId}">${rule}</code></td><td data-sort="${f.message}"><p class="msg">${f.message}</p>${f.remediation !== undefined ? html`<p class="fix"><strong>Fix:</strong> ${f.remediation}</p>` : ''}${suppressionNote(f)}<details class="more"><summary>Threats, evidence and fingerprint</summary>${threats.value !== '' ? html`<p class="threats"><strong>Threats:</strong> ${threats}</p>` : ''}${evidence}<p><strong>Fingerprint</strong> <code>${f.fingerprint}</code></p></details></td><td data-sort="${location}">${location !== '' ? html`<code class="loc">${location}</code>` : html`<span class="muted">–</span>`}</td></tr>`;
}

/** Findings in the order the table starts with: active before suppressed, worst first. */
function ordered(report: Report): FindingEntry[] {
  const entries = report.results.flatMap((result) =>
    result.findings.map((finding) => ({ result, finding })),
  );
  const key = (e: FindingEntry) =>
    (e.finding.suppressed !== undefined ? 10 : 0) + severityOrder(e.finding);
  return entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => key(a.e) - key(b.e) || a.i - b.i)
    .map(({ e }) => e);
}

function sortable(label: string, key: string, initial = false): SafeHtml {
  return html`<th scope="col"${initial ? html` aria-sort="ascending"` : ''}><button type="button" class="sort" data-sort-key="${key}">${label}<span class="sort-icon" aria-hidden="true"></span></button></th>`;
}

/**
 * The findings table: every finding (suppressed ones marked) with severity, check, rule, message,
 * remediation, threat links, evidence and location; filters by text, severity, check and state,
 * and sortable columns (the script enables both; without it the table is complete and static).
 */
export function findingsSection(report: Report, anchors: ReadonlyMap<string, string>): SafeHtml {
  const entries = ordered(report);
  const total = entries.length;
  if (total === 0) {
    return html`<section id="findings" aria-labelledby="findings-h"><h2 id="findings-h">Findings</h2><p>No findings.</p></section>`;
  }
  const bySeverity = new Map(SEVERITIES.map((s) => [s, 0]));
  const byCheck = new Map<string, number>();
  for (const { finding } of entries) {
    bySeverity.set(finding.severity, (bySeverity.get(finding.severity) ?? 0) + 1);
    byCheck.set(finding.checkId, (byCheck.get(finding.checkId) ?? 0) + 1);
  }
  const suppressed = entries.filter((e) => e.finding.suppressed !== undefined).length;
  const filters = html`<form class="filters" id="findings-filters" role="search" aria-label="Filter findings" hidden><label>Search <input type="search" id="filter-text" placeholder="message, file, rule…" autocomplete="off" spellcheck="false"></label><label>Severity <select id="filter-severity"><option value="">all</option>${SEVERITIES.filter(
    (s) => (bySeverity.get(s) ?? 0) > 0,
  ).map(
    (s) => html`<option value="${s}">${s} (${bySeverity.get(s) ?? 0})</option>`,
  )}</select></label><label>Check <select id="filter-check"><option value="">all</option>${[
    ...byCheck,
  ].map(
    ([id, n]) => html`<option value="${id}">${id} (${n})</option>`,
  )}</select></label><label>Show <select id="filter-state"><option value="">active and suppressed</option><option value="active">active only (${total - suppressed})</option><option value="suppressed">suppressed only (${suppressed})</option></select></label><button type="button" id="filter-clear">Clear filters</button><span class="hint">Press <kbd>/</kbd> to search</span></form>`;
  return html`<section id="findings" aria-labelledby="findings-h"><h2 id="findings-h">Findings</h2>${filters}<p id="findings-count" class="count" aria-live="polite">Showing ${total} of ${plural(total, 'finding')}</p><div class="table-wrap" role="region" aria-labelledby="findings-h" tabindex="0"><table id="findings-table" class="data findings"><thead><tr>${sortable('Severity', 'severity', true)}${sortable('Check', 'check')}${sortable('Rule', 'rule')}${sortable('Message', 'message')}${sortable('Location', 'location')}</tr></thead><tbody>${entries.map(
    (e, i) => row(e, i, anchors),
  )}</tbody></table></div><p id="findings-empty" class="empty" hidden>No finding matches the filters.</p></section>`;
}
