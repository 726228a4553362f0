import { describe, expect, it } from 'vitest';
import { EXPECTATION_FAMILIES, expectationFamily } from './expectation-family.js';
import { expectationSeverity } from './expectation-severity.js';

const f = (type: string, meta: Record<string, unknown> = {}, gxSeverity?: string) => ({
  type,
  meta: meta as Record<string, never>,
  ...(gxSeverity !== undefined && { gxSeverity }),
});

describe('expectationSeverity', () => {
  it('defaults by family', () => {
    expect(expectationSeverity(f('expect_table_row_count_to_be_between'))).toEqual({
      severity: 'high',
      source: 'family',
    });
    expect(expectationSeverity(f('expect_column_values_to_not_be_null')).severity).toBe('medium');
    expect(expectationSeverity(f('expect_my_custom_thing')).severity).toBe('medium');
  });

  it('applies GX severity, then options, then meta', () => {
    const rowCount = 'expect_table_row_count_to_be_between';
    expect(expectationSeverity(f(rowCount, {}, 'warning'))).toEqual({
      severity: 'medium',
      source: 'gx-severity',
    });
    expect(expectationSeverity(f(rowCount, {}, 'critical'))).toEqual({
      severity: 'high',
      source: 'family',
    });
    expect(expectationSeverity(f('expect_column_values_to_be_between', {}, 'warning')).source).toBe(
      'family',
    );
    expect(expectationSeverity(f(rowCount, {}, 'info')).severity).toBe('info');
    expect(
      expectationSeverity(f(rowCount, {}, 'info'), { severities: { [rowCount]: 'critical' } }),
    ).toEqual({
      severity: 'critical',
      source: 'option',
    });
    const withMeta = f(rowCount, { mlwarden: { severity: 'low' } });
    expect(expectationSeverity(withMeta, { severities: { [rowCount]: 'critical' } })).toEqual({
      severity: 'low',
      source: 'meta',
    });
    expect(expectationSeverity(withMeta, { useMeta: false }).source).toBe('family');
  });

  it('accepts the meta spellings teams use', () => {
    const type = 'expect_column_values_to_be_unique';
    expect(expectationSeverity(f(type, { severity: 'CRITICAL' })).severity).toBe('critical');
    expect(expectationSeverity(f(type, { mlwarden_severity: 'warning' })).severity).toBe('medium');
    expect(expectationSeverity(f(type, { severity: 'error' })).severity).toBe('high');
    expect(expectationSeverity(f(type, { severity: 'whatever' })).source).toBe('family');
  });
});

describe('expectationFamily', () => {
  it('puts every listed type in exactly one family', () => {
    const all = Object.values(EXPECTATION_FAMILIES).flat();
    expect(new Set(all).size).toBe(all.length);
    for (const [family, types] of Object.entries(EXPECTATION_FAMILIES)) {
      for (const type of types) expect(expectationFamily(type)).toBe(family);
    }
  });
});
