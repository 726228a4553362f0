import { beforeAll, describe, expect, it } from 'vitest';
import {
  HOSTILE_MESSAGE,
  sampleCheckInfo,
  sampleChecks,
  sampleReport,
} from '../../test/sample-report.js';
import { type Check, defineCheck } from '../check.js';
import type { Report } from '../report.js';
import { escapeMarkdown, markdownReporter } from './markdown-reporter.js';
import { renderReport } from './reporter.js';

describe('markdownReporter', () => {
  let report: Report;
  let md: string;
  beforeAll(async () => {
    report = await sampleReport();
    md = await renderReport(markdownReporter, report, { checks: sampleCheckInfo });
  });

  it('titles the comment with the verdict and tabulates findings by severity', () => {
    expect(md.split('\n')[0]).toBe('## mlwarden: ❌ fail');
    expect(md).toContain('| 🟣 Critical | 1 |');
    expect(md).toContain('| 🟡 Low | 3 |');
    expect(md).toContain('| Suppressed | 1 |');
  });

  it('has a table row per check with its status and details', () => {
    const rows = md.split('\n').filter((l) => l.startsWith('| [`'));
    expect(rows).toHaveLength(report.results.length);
    // Every row has exactly the five cells of the header: no pipe leaked from the content.
    for (const row of rows) expect(row.split(/(?<!\\)\|/).length).toBe(7);
    const loader = rows.find((r) => r.includes('model.loader'));
    expect(loader).toContain('⛔ error');
    expect(loader).toContain('&lt;expected&gt;');
    expect(rows.find((r) => r.includes('artifact.limits'))).toContain('⚠️ incomplete');
    expect(rows.find((r) => r.includes('data.drift'))).toContain('⏭️ skip');
  });

  it('escapes pipes, HTML and control characters in messages', () => {
    expect(md).not.toContain('<script>');
    expect(md).not.toContain('\u001b');
    expect(md).toContain('a\\|b');
    expect(md).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp;');
    expect(escapeMarkdown(HOSTILE_MESSAGE)).toBe(
      'Column header is "a\\|b" and holds &lt;script&gt;alert(1)&lt;/script&gt; &amp; \\\\u{1b}\\[31mred\\\\u{1b}\\[0m text',
    );
    expect(escapeMarkdown('line one\nline two | *bold* [x](y)')).toBe(
      'line one<br>line two \\| \\*bold\\* \\[x\\](y)',
    );
  });

  it('lists findings by severity with remediation and taxonomy links', () => {
    const order = [...md.matchAll(/^#### \S+ (\w+) \(\d+\)$/gmu)].map((m) => m[1]);
    expect(order).toEqual(['Critical', 'High', 'Medium', 'Low', 'Info']);
    expect(md).toContain(
      '  - Remediation: Do not load the file; re-export the model as safetensors.',
    );
    expect(md).toContain(
      '[AML.T0010.003 AI Supply Chain Compromise: Model](https://atlas.mitre.org/techniques/AML.T0010.003)',
    );
    expect(md).toContain(
      '[ML06 AI Supply Chain Attacks](https://owasp.org/www-project-machine-learning-security-top-10/docs/ML06_2023-AI_Supply_Chain_Attacks)',
    );
    expect(md).toMatch(/<details><summary>1 suppressed finding<\/summary>/);
  });

  it('folds long lists into <details> and caps what it lists', async () => {
    const noisy = defineCheck({
      meta: { ...(sampleChecks[1] as Check).meta, id: 'data.noisy' },
      run(ctx) {
        for (let i = 0; i < 75; i++) {
          ctx.report({ severity: 'low', message: `problem ${i}`, key: String(i) });
        }
      },
    });
    const big = await sampleReport([noisy], {});
    const text = await renderReport(markdownReporter, big, {});
    expect(text).toContain('<details><summary>50 more low findings</summary>');
    expect(text).toContain('_15 further low findings not listed; see the JSON report._');
    expect(text).toContain('problem 59');
    expect(text).not.toContain('problem 60');
  });
});
