import { createHash } from 'node:crypto';
import { html, IdSource, SafeHtml } from './_html.js';
import { checkSection } from './_html-check-section.js';
import { findingsSection } from './_html-findings.js';
import { HTML_SCRIPT } from './_html-script.js';
import { HTML_STYLE } from './_html-style.js';
import { runSection, summarySection } from './_html-summary.js';
import { plural } from './_report-text.js';
import type { Reporter } from './reporter.js';

/** Distinct files and resources named by findings, listed in the run section. */
const MAX_SOURCES = 50;

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * Only the page's own stylesheet and script may run, nothing may be fetched: even if some text
 * escaped its escaping it could not execute, and the page cannot reach the network.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src ${sha256(HTML_STYLE)}`,
  `script-src ${sha256(HTML_SCRIPT)}`,
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/**
 * One self-contained HTML page for people: verdict and counts by severity and category, a
 * filterable and sortable findings table, a section per check with charts chosen by the shape of
 * its metrics (drift scores and distributions, accuracy against epsilon, per-group bars, a tree of
 * scanned files and members, any other curve) and all its metrics as a table, and the run's
 * details. Light and dark themes, keyboard accessible, no external resources; a Content Security
 * Policy allows only the inline style and script by hash. Every piece of text from the report is
 * escaped, with control characters and bidirectional overrides made visible.
 */
export const htmlReporter: Reporter = (report, out, options) => {
  const ids = new IdSource();
  const info = new Map((options.checks ?? []).map((c) => [c.id, c]));
  const anchors = new Map(report.results.map((r) => [r.checkId, ids.named('check', r.checkId)]));
  const sources = [
    ...new Set(
      report.results.flatMap((r) =>
        r.findings.flatMap((f) => (f.location !== undefined ? [f.location.uri] : [])),
      ),
    ),
  ];
  const { summary, tool } = report;
  const total = report.results.reduce((n, r) => n + r.findings.length, 0);
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="${tool.name} ${tool.version}">
<title>${tool.name} report: ${summary.verdict} (${report.startedAt})</title>
<link rel="icon" href="data:,">
<style>${new SafeHtml(HTML_STYLE)}</style>
</head>
<body>
<a class="skip-link" href="#findings">Skip to findings</a>
<header class="top"><div><h1>${tool.name} report <span class="badge verdict-${summary.verdict}">${summary.verdict}</span></h1><div class="sub">${tool.name} ${tool.version} · started ${report.startedAt} · ${plural(summary.checks, 'check')} · ${plural(total, 'finding')}</div></div><button type="button" id="theme-toggle" aria-pressed="false" hidden>Dark theme</button></header>
<nav class="toc" aria-label="Sections"><a href="#summary">Summary</a><a href="#findings">Findings</a><a href="#checks">Checks</a><a href="#run">Run</a></nav>
<main>
${summarySection(report, ids, anchors)}
${findingsSection(report, anchors)}
<section id="checks" aria-labelledby="checks-h"><h2 id="checks-h">Checks</h2>${report.results.map(
    (r) => checkSection(ids, r, anchors.get(r.checkId) as string, info.get(r.checkId)),
  )}</section>
${runSection(report, sources.slice(0, MAX_SOURCES))}
</main>
<footer>Written by ${tool.name} ${tool.version} from a <code>${report.schema}</code> report. This page is self-contained: it loads nothing from the network.</footer>
<script>${new SafeHtml(HTML_SCRIPT)}</script>
</body>
</html>
`;
  out.write(page.value);
};
