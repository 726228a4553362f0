import { describe, expect, it } from 'vitest';
import { sampleReport } from '../../test/sample-report.js';
import { jsonReporter } from './json-reporter.js';
import { renderReport } from './reporter.js';

describe('jsonReporter', () => {
  it('writes the report as pretty JSON with a final newline', async () => {
    const report = await sampleReport();
    const text = await renderReport(jsonReporter, report, {});
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n')[1]).toBe('  "schema": "mlwarden.report/v1",');
    expect(JSON.parse(text)).toEqual(report);
  });
});
