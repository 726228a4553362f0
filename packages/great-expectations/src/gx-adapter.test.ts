import { dirname } from 'node:path';
import { runChecks, silentLogger } from '@mlwarden/core';
import { describe, expect, it } from 'vitest';
import { fixturePath } from './_test-fixtures.js';
import { createGxAdapter } from './gx-adapter.js';
import { gxPlugin } from './gx-plugin.js';

const context = (cwd: string) => ({
  kind: 'validationResults' as const,
  signal: new AbortController().signal,
  log: silentLogger,
  cwd,
});

describe('gx adapter and plugin', () => {
  it('claims paths and gx: URIs for validationResults only', () => {
    const adapter = createGxAdapter();
    expect(adapter.canResolve('gx/uncommitted/validations', 'validationResults')).toBe(true);
    expect(adapter.canResolve('gx:./results.json?runs=all', 'validationResults')).toBe(true);
    expect(adapter.canResolve('results.json', 'dataset')).toBe(false);
    expect(adapter.canResolve('models:/fraud/3', 'validationResults')).toBe(false);
    expect(adapter.canResolve('C:\\gx\\results.json', 'validationResults')).toBe(true);
    expect(adapter.canResolve('https://example.org/x.json', 'validationResults')).toBe(false);
  });

  it('resolves a project directory relative to cwd, newest runs by default or every run on request', async () => {
    const [adapter] = gxPlugin.adapters;
    const cwd = dirname(fixturePath('gx1', 'project'));
    const latest = await adapter?.resolve('project', context(cwd));
    expect(latest?.validationResults).toMatchObject({
      source: 'project',
      tool: 'great-expectations',
      toolVersion: '1.24.1',
    });
    expect(latest?.validationResults?.results).toHaveLength(2);
    const all = await adapter?.resolve('gx:project?runs=all', context(cwd));
    expect(all?.validationResults?.results).toHaveLength(8);
    await expect(adapter?.resolve('gx:project?depth=3', context(cwd))).rejects.toThrow(
      /unknown option "depth=3"/,
    );
    await expect(adapter?.resolve('nowhere', context(cwd))).rejects.toThrow(
      expect.objectContaining({ code: 'MLW_INPUT_NOT_FOUND' }),
    );
  });

  it('runs end to end: adapter output into the plugin check', async () => {
    const [adapter] = gxPlugin.adapters;
    const inputs = await adapter?.resolve(
      'checkpoint-result.json',
      context(dirname(fixturePath('gx018', 'checkpoint-result.json'))),
    );
    const report = await runChecks({ checks: gxPlugin.checks, inputs: inputs ?? {} });
    expect(report.summary.verdict).toBe('fail');
    expect(
      report.results[0]?.findings.every((f) => f.location?.uri === 'checkpoint-result.json'),
    ).toBe(true);
    expect(gxPlugin.name).toBe('@mlwarden/great-expectations');
    expect(gxPlugin.version).toMatch(/^\d+\.\d+\.\d+/);
  });
});
