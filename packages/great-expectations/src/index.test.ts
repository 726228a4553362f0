import { taxonomyProblems } from '@mlwarden/core';
import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('@mlwarden/great-expectations', () => {
  it('exports the plugin with its check and adapter', () => {
    expect(api.gxPlugin.checks).toEqual([api.gxValidationCheck]);
    expect(api.gxPlugin.adapters).toEqual([api.gxAdapter]);
    expect(api.gxValidationCheck.meta).toMatchObject({
      id: 'gx.validation',
      requires: ['validationResults'],
    });
  });

  it('uses only well-formed taxonomy ids', () => {
    expect(
      taxonomyProblems({ atlas: ['AML.T0020', 'AML.T0059'], owasp: ['ML02', 'ML08'] }),
    ).toEqual([]);
  });

  it('validates check options like configuration does', () => {
    expect(api.gxValidationOptions.parse({})).toMatchObject({
      sampleSize: 5,
      exceptionSeverity: 'high',
      maxFindings: 5000,
    });
    expect(() => api.gxValidationOptions.parse({ severities: { x: 'urgent' } })).toThrow();
    expect(() => api.gxValidationOptions.parse({ samplesize: 3 })).toThrow();
  });
});
