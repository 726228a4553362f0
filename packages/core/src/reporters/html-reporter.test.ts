import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  BIDI_NAME,
  htmlFixtureChecks,
  htmlFixtureInfo,
  htmlFixtureReport,
  SCRIPT_BREAKOUT,
} from '../../test/html/html-report-fixture.js';
import { HOSTILE_MESSAGE, sampleCheckInfo, sampleReport } from '../../test/sample-report.js';
import { defineCheck } from '../check.js';
import type { Report } from '../report.js';
import { runChecks } from '../run-checks.js';
import { escapeHtml, formatNumber } from './_html.js';
import { niceTicks } from './_html-charts.js';
import { checkInfo } from './check-info.js';
import { htmlReporter } from './html-reporter.js';
import { renderReport } from './reporter.js';

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}

/** The text of every `<tag>…</tag>` element. */
function elements(page: string, tag: string): string[] {
  return [...page.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map(
    (m) => m[1] ?? '',
  );
}

describe('htmlReporter', () => {
  let report: Report;
  let page: string;
  beforeAll(async () => {
    report = await htmlFixtureReport();
    page = await renderReport(htmlReporter, report, { checks: htmlFixtureInfo });
  });

  it('is one HTML document whose only script and style are allowed by hash', () => {
    expect(page.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(page.trimEnd().endsWith('</html>')).toBe(true);
    const scripts = elements(page, 'script');
    const styles = elements(page, 'style');
    expect(scripts).toHaveLength(1);
    expect(styles).toHaveLength(1);
    const csp = (
      page.match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)?.[1] ?? ''
    ).replaceAll('&#39;', "'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`script-src 'sha256-${sha256(scripts[0] as string)}'`);
    expect(csp).toContain(`style-src 'sha256-${sha256(styles[0] as string)}'`);
  });

  it('refers to nothing outside the page but links people follow', () => {
    expect(page).not.toMatch(/\ssrc=/);
    expect(page).not.toMatch(/@import|url\(/);
    const hrefs = [...page.matchAll(/href="([^"]*)"/g)].map((m) => m[1] ?? '');
    expect(hrefs.length).toBeGreaterThan(10);
    for (const href of hrefs) expect(href).toMatch(/^(#|https:\/\/|data:,$)/);
    const links = [...page.matchAll(/<link [^>]*>/g)].map((m) => m[0]);
    expect(links).toEqual(['<link rel="icon" href="data:,">']);
  });

  it('escapes text from findings, file names and errors', () => {
    // The one closing script tag is the page's own.
    expect(page.split('</script>')).toHaveLength(2);
    expect(page).not.toContain('<script>alert(1)');
    expect(page).toContain(escapeHtml(SCRIPT_BREAKOUT));
    expect(page).not.toContain('\u202e');
    expect(page).not.toContain('\u0007');
    expect(page).toContain(escapeHtml(BIDI_NAME));
    expect(escapeHtml(BIDI_NAME)).toBe('invoice\\u{202e}gpj.exe\\u{07}');
    expect(page).toContain('connection refused by &lt;http://127.0.0.1:1/v2&gt; &amp; gave up');
    expect(escapeHtml(`"a" & 'b' <c>`)).toBe('&quot;a&quot; &amp; &#39;b&#39; &lt;c&gt;');
  });

  it('gives the same bytes for the same report and does not modify it', async () => {
    const before = structuredClone(report);
    const again = await renderReport(htmlReporter, structuredClone(report), {
      checks: htmlFixtureInfo,
    });
    const rerun = await renderReport(htmlReporter, await htmlFixtureReport(), {
      checks: htmlFixtureInfo,
    });
    expect(again).toBe(page);
    expect(rerun).toBe(page);
    expect(report).toEqual(before);
  });

  it('has a row per finding, suppressed ones marked, and a section per check', () => {
    const total = report.results.reduce((n, r) => n + r.findings.length, 0);
    expect(page.match(/<tr data-severity=/g)).toHaveLength(total);
    expect(page.match(/data-state="suppressed"/g)).toHaveLength(report.summary.suppressed);
    expect(page.match(/<article class="check"/g)).toHaveLength(report.results.length);
    expect(page).toContain('country is constant by design in this regional model');
    expect(page).toContain('<strong>Skipped:</strong> needs inputs model, reference');
    expect(page).toContain('<strong>Did not finish</strong>');
    expect(page).toContain('https://atlas.mitre.org/techniques/AML.T0011.000');
    expect(page).toContain('Do not load the file; re-export the model as safetensors.');
    expect(page).toContain('<dt>Seed</dt><dd><code>7</code></dd>');
  });

  it('never links a documentation URL that is not http(s)', async () => {
    const check = defineCheck({
      meta: {
        ...(htmlFixtureChecks[0]?.meta as (typeof htmlFixtureChecks)[0]['meta']),
        id: 'custom.docs',
        docs: 'javascript://%0aalert(1)',
      },
      run() {},
    });
    const custom = await runChecks({ checks: [check], now: () => new Date(0) });
    const html = await renderReport(htmlReporter, custom, { checks: [checkInfo(check.meta)] });
    expect(html).not.toContain('javascript:');
    expect(html).toContain('documentation');
  });

  it('renders a report without findings or checks', async () => {
    const empty = await runChecks({ checks: [], now: () => new Date(0) });
    const html = await renderReport(htmlReporter, empty, {});
    expect(html).toContain('<p>No findings.</p>');
    expect(html).not.toContain('id="findings-table"');
    expect(html).toContain('verdict-pass');
  });

  it('renders the shared sample report, whose messages attack Markdown and terminals too', async () => {
    const html = await renderReport(htmlReporter, await sampleReport(), {
      checks: sampleCheckInfo,
    });
    expect(html).toContain(escapeHtml(HOSTILE_MESSAGE));
    expect(html).not.toContain('\u001b');
  });

  it('draws group bars only for fairness checks, and any metric shape gets a table', async () => {
    const metrics = defineCheck({
      meta: {
        id: 'custom.metrics',
        title: 'Custom',
        description: 'Records metrics of odd shapes.',
        category: 'deployment',
        defaultSeverity: 'low',
        taxonomy: {},
        requires: [],
        options: z.object({}),
      },
      run(ctx) {
        ctx.metric('perRegion', { north: 1, south: 2 });
        ctx.metric('nested', { a: { b: { c: { d: 1 } } } });
        ctx.metric(
          'list',
          Array.from({ length: 30 }, (_, i) => i),
        );
      },
    });
    const r = await runChecks({ checks: [metrics], now: () => new Date(0) });
    const html = await renderReport(htmlReporter, r, {});
    const checks = html.slice(html.indexOf('<section id="checks"'));
    expect(checks).not.toContain('data-chart=');
    expect(html).toContain('<details class="metrics" open>');
    expect(html).toContain('(+10 more)');
    expect(html).toContain('<code class="json">{&quot;c&quot;:{&quot;d&quot;:1}}</code>');
  });
});

describe('number formatting and ticks', () => {
  it('writes numbers without locale and with at most 4 significant digits', () => {
    expect(formatNumber(1234567)).toBe('1234567');
    expect(formatNumber(0.123456)).toBe('0.1235');
    expect(formatNumber(1.2e-38)).toBe('1.2e-38');
    expect(formatNumber(-0.5)).toBe('-0.5');
  });

  it('picks round ticks covering the range', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.01, 0.3, 6)).toEqual([0.05, 0.1, 0.15, 0.2, 0.25, 0.3]);
    expect(niceTicks(2, 2)).toEqual([2]);
  });
});
