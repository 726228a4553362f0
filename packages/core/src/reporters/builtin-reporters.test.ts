import { describe, expect, it } from 'vitest';
import { sampleCheckInfo, sampleReport } from '../../test/sample-report.js';
import { type BuiltinReporterName, builtinReporters } from './builtin-reporters.js';
import { renderReport } from './reporter.js';

const names = Object.keys(builtinReporters) as BuiltinReporterName[];

describe('builtinReporters', () => {
  it('has the six built-in reporters by name', () => {
    expect(names).toEqual(['console', 'json', 'sarif', 'junit', 'markdown', 'html']);
  });

  it.each(names)('%s is deterministic: the same report gives the same bytes', async (name) => {
    const reporter = builtinReporters[name];
    const options = { checks: sampleCheckInfo, cwd: '/work/repo', color: true };
    const report = await sampleReport();
    const first = await renderReport(reporter, report, options);
    const again = await renderReport(reporter, structuredClone(report), options);
    // A second run of the same checks (durations zeroed) renders identically too.
    const rerun = await renderReport(reporter, await sampleReport(), options);
    expect(first.length).toBeGreaterThan(100);
    expect(again).toBe(first);
    expect(rerun).toBe(first);
  });

  it.each(names)('%s does not modify the report', async (name) => {
    const report = await sampleReport();
    const before = structuredClone(report);
    await renderReport(builtinReporters[name], report, { checks: sampleCheckInfo });
    expect(report).toEqual(before);
  });
});
