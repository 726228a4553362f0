import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/finding.js';
import type { Report } from '../../src/report.js';
import { htmlReporter } from '../../src/reporters/html-reporter.js';
import { renderReport } from '../../src/reporters/reporter.js';
import { launchChromium } from './chromium.js';
import { htmlFixtureInfo, htmlFixtureReport, SCRIPT_BREAKOUT } from './html-report-fixture.js';

/** Git-ignored folder for the page and its screenshots (CI can upload it as an artifact). */
const OUT_DIR = fileURLToPath(new URL('../../test-results/html/', import.meta.url));
const PAGE_FILE = `${OUT_DIR}report.html`;

interface Opened {
  context: BrowserContext;
  page: Page;
  /** Console errors and warnings, uncaught exceptions and dialogs (an `alert` would land here). */
  problems: string[];
  /** Every request for something other than the page itself or a `data:` URL. */
  external: string[];
}

let browser: Browser;
let report: Report;
let findings: Finding[];
const contexts: BrowserContext[] = [];

async function open(colorScheme: 'light' | 'dark' = 'light'): Promise<Opened> {
  const context = await browser.newContext({ colorScheme, viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  const problems: string[] = [];
  const external: string[] = [];
  const local = (url: string) => url.startsWith('file:') || url.startsWith('data:');
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (local(url)) return route.continue();
    external.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('request', (request) => {
    if (!local(request.url()) && !external.includes(request.url())) external.push(request.url());
  });
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') {
      problems.push(`console ${message.type()}: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('dialog', async (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    await dialog.dismiss();
  });
  await page.goto(pathToFileURL(PAGE_FILE).href, { waitUntil: 'load' });
  return { context, page, problems, external };
}

const rows = (page: Page) => page.locator('#findings-table tbody tr');
const visibleRows = (page: Page) => page.locator('#findings-table tbody tr:visible');
const section = (page: Page, checkId: string) => page.locator(`article[id="check-${checkId}"]`);

describe('HTML report in headless Chromium', () => {
  beforeAll(async () => {
    report = await htmlFixtureReport();
    findings = report.results.flatMap((r) => r.findings);
    mkdirSync(OUT_DIR, { recursive: true });
    writeFileSync(PAGE_FILE, await renderReport(htmlReporter, report, { checks: htmlFixtureInfo }));
    browser = await launchChromium();
  }, 900_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
  });

  it('renders with no console errors, no dialogs and no network requests', async () => {
    const { page, problems, external } = await open();
    await page.waitForSelector('#findings-filters:not([hidden])');
    expect(problems).toEqual([]);
    expect(external).toEqual([]);
    expect(await page.title()).toBe(`mlwarden report: fail (${report.startedAt})`);
    // The hostile message is shown as text, and the page has exactly its own script.
    const hostile = page.locator('#findings-table .msg', { hasText: SCRIPT_BREAKOUT });
    await expect.poll(() => hostile.count()).toBe(1);
    expect(await page.locator('script').count()).toBe(1);
    // The bidi override in the file name is visible as an escape, not applied.
    const tree = await section(page, 'artifact.scan').locator('figure.tree').textContent();
    expect(tree).toContain('invoice\\u{202e}gpj.exe\\u{07}');
    expect(tree).not.toContain('\u202e');
  });

  it('draws the charts each kind of check calls for', async () => {
    const { page, problems } = await open();
    const charts = (checkId: string, kind: string) =>
      section(page, checkId).locator(`figure[data-chart="${kind}"]`);
    // Drift: a bar chart per score present (KS, PSI, Wasserstein, Jensen–Shannon) and the
    // reference-vs-current distributions of the columns that carry histograms.
    await expect.poll(() => charts('data.drift', 'bar').count()).toBe(4);
    expect(await charts('data.drift', 'histogram').count()).toBe(1);
    expect(await charts('data.drift', 'grouped-bar').count()).toBe(1);
    const flagged = section(page, 'data.drift').locator('figure[data-chart="bar"] g.bar.flag');
    const columns = report.results.find((r) => r.checkId === 'data.drift')?.metrics.columns ?? {};
    const driftedColumns = Object.values(
      columns as Record<string, { drifted: boolean; kind: string }>,
    );
    // Every drifted numeric column is flagged in the three numeric-score charts, every drifted
    // categorical column in the Jensen–Shannon chart.
    const numeric = driftedColumns.filter((c) => c.drifted && c.kind === 'numeric').length;
    const categorical = driftedColumns.filter((c) => c.drifted && c.kind === 'categorical').length;
    expect(await flagged.count()).toBe(3 * numeric + categorical);
    // Robustness: accuracy and success rate against epsilon, clean accuracy as a reference.
    const line = charts('robustness.evasion', 'line');
    expect(await line.count()).toBe(1);
    expect(await line.locator('g.series').count()).toBe(2);
    expect(await line.locator('g.series').first().locator('circle').count()).toBe(6);
    expect(await line.locator('g.reference').count()).toBe(1);
    // Fairness: flat group maps as bars, the metric-by-group table as grouped bars.
    expect(await charts('fairness.group', 'bar').count()).toBe(2);
    const grouped = charts('fairness.group', 'grouped-bar');
    expect(await grouped.count()).toBe(1);
    expect(await grouped.locator('g.bar').count()).toBe(9);
    // Artifacts: verdict counts and a tree with every file and member.
    expect(await charts('artifact.scan', 'bar').count()).toBe(1);
    const tree = section(page, 'artifact.scan').locator('figure[data-chart="tree"]');
    expect(await tree.locator('li').count()).toBeGreaterThanOrEqual(6);
    expect(await tree.locator('.verdict-findings').count()).toBe(2);
    // Any other curve (fidelity per query budget, one line per strategy) on a log axis.
    const curves = charts('privacy.model-extraction', 'line');
    expect(await curves.locator('g.series').count()).toBe(2);
    expect(await curves.locator('text.axis-title').first().textContent()).toContain('log scale');
    // A check with no drawable shape gets its metrics as an open table.
    const metrics = section(page, 'data.integrity').locator('details.metrics');
    expect(await metrics.getAttribute('open')).toBe('');
    expect(await section(page, 'data.integrity').locator('figure.chart').count()).toBe(0);
    // Every chart has a visible, non-empty drawing.
    for (const svg of await page.locator('svg.chart-svg').all()) {
      const box = await svg.boundingBox();
      expect(box?.width ?? 0).toBeGreaterThan(100);
      expect(box?.height ?? 0).toBeGreaterThan(30);
    }
    expect(problems).toEqual([]);
  });

  it('filters the findings table by text, severity, check and state', async () => {
    const { page, problems } = await open();
    const total = findings.length;
    const count = page.locator('#findings-count');
    await expect.poll(() => visibleRows(page).count()).toBe(total);
    expect(await rows(page).count()).toBe(total);

    await page.locator('#filter-text').fill('tenure_months');
    const byText = findings.filter((f) => JSON.stringify(f).includes('tenure_months')).length;
    expect(byText).toBeGreaterThan(0);
    expect(await visibleRows(page).count()).toBe(byText);
    expect(await count.textContent()).toBe(`Showing ${byText} of ${total} findings`);

    await page.locator('#filter-text').fill('');
    await page.locator('#filter-severity').selectOption('medium');
    const medium = findings.filter((f) => f.severity === 'medium').length;
    expect(await visibleRows(page).count()).toBe(medium);
    for (const row of await visibleRows(page).all()) {
      expect(await row.getAttribute('data-severity')).toBe('medium');
    }

    await page.locator('#filter-check').selectOption('artifact.scan');
    const both = findings.filter((f) => f.severity === 'medium' && f.checkId === 'artifact.scan');
    expect(await visibleRows(page).count()).toBe(both.length);

    await page.locator('#filter-clear').click();
    await page.locator('#filter-state').selectOption('suppressed');
    const suppressed = findings.filter((f) => f.suppressed !== undefined).length;
    expect(await visibleRows(page).count()).toBe(suppressed);
    await expect.poll(() => visibleRows(page).first().locator('.badge.suppressed').count()).toBe(1);

    await page.locator('#filter-clear').click();
    await page.locator('#filter-text').fill('no finding says this');
    expect(await visibleRows(page).count()).toBe(0);
    expect(await page.locator('#findings-empty').isVisible()).toBe(true);

    // A check section's button shows that check's findings in the table.
    await page.locator('#filter-clear').click();
    await section(page, 'data.drift').locator('button.show-findings').click();
    const drift = findings.filter((f) => f.checkId === 'data.drift').length;
    expect(await visibleRows(page).count()).toBe(drift);
    expect(await page.locator('#filter-check').inputValue()).toBe('data.drift');
    expect(problems).toEqual([]);
  });

  it('sorts the findings table by any column, from the keyboard too', async () => {
    const { page, problems } = await open();
    const column = async (attribute: string) =>
      rows(page).evaluateAll(
        (trs, name) => trs.map((tr) => tr.getAttribute(name) ?? ''),
        attribute,
      );
    const checkHeader = page.locator('#findings-table thead th', { hasText: 'Check' });
    await checkHeader.locator('button').click();
    const ascending = await column('data-check');
    expect(ascending).toEqual([...ascending].sort());
    expect(new Set(ascending).size).toBeGreaterThan(1);
    expect(await checkHeader.getAttribute('aria-sort')).toBe('ascending');

    await checkHeader.locator('button').click();
    const descending = await column('data-check');
    expect(descending).toEqual([...ascending].sort().reverse());
    expect(await checkHeader.getAttribute('aria-sort')).toBe('descending');

    // Keyboard: focus the severity header's button and press Enter, then Space.
    const severityHeader = page.locator('#findings-table thead th', { hasText: 'Severity' });
    await severityHeader.locator('button').focus();
    await page.keyboard.press('Enter');
    const rank = ['critical', 'high', 'medium', 'low', 'info'];
    const worstFirst = (await column('data-severity')).map((s) => rank.indexOf(s));
    expect(worstFirst).toEqual([...worstFirst].sort((a, b) => a - b));
    await page.keyboard.press('Space');
    const mildFirst = (await column('data-severity')).map((s) => rank.indexOf(s));
    expect(mildFirst).toEqual([...mildFirst].sort((a, b) => b - a));
    expect(await severityHeader.getAttribute('aria-sort')).toBe('descending');
    expect(await checkHeader.getAttribute('aria-sort')).toBeNull();

    // "/" jumps to the search box.
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('/');
    expect(await page.evaluate('document.activeElement?.id')).toBe('filter-text');
    expect(problems).toEqual([]);
  });

  it('follows the system colour scheme and toggles between light and dark', async () => {
    const background = (page: Page) =>
      page.evaluate<string>('getComputedStyle(document.documentElement).backgroundColor');
    const light = await open('light');
    const toggle = light.page.locator('#theme-toggle');
    await expect.poll(() => toggle.isVisible()).toBe(true);
    const lightBackground = await background(light.page);
    expect(lightBackground).toBe('rgb(255, 255, 255)');
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    await light.page.screenshot({ path: `${OUT_DIR}report-light.png`, fullPage: true });

    await toggle.click();
    const darkBackground = await background(light.page);
    expect(darkBackground).toBe('rgb(13, 17, 23)');
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    expect(await light.page.locator('html').getAttribute('data-theme')).toBe('dark');
    await light.page.screenshot({ path: `${OUT_DIR}report-dark.png`, fullPage: true });

    const dark = await open('dark');
    expect(await background(dark.page)).toBe(darkBackground);
    await dark.page.locator('#theme-toggle').click();
    expect(await background(dark.page)).toBe(lightBackground);
    expect([...light.problems, ...dark.problems]).toEqual([]);
  });
});
