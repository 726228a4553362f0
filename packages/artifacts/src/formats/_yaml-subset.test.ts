import { describe, expect, it } from 'vitest';
import { parseYamlSubset, YamlSubsetError } from './_yaml-subset.js';

describe('parseYamlSubset', () => {
  it('reads nested mappings, lists, quoted and empty scalars', () => {
    const text = [
      'flavors:',
      '  python_function:',
      '    loader_module: mlflow.sklearn  # comment',
      '    code: null',
      '    env: {}',
      'list:',
      '- a',
      '- name: b',
      '  value: "c: d"',
      "created: '2026-01-01'",
      'block: |',
      '  line one',
      '  line two',
    ].join('\n');
    expect(parseYamlSubset(text)).toEqual({
      flavors: { python_function: { loader_module: 'mlflow.sklearn', code: null, env: {} } },
      list: ['a', { name: 'b', value: 'c: d' }],
      created: '2026-01-01',
      block: 'line one\nline two',
    });
  });

  it('rejects what it does not understand instead of guessing', () => {
    expect(() => parseYamlSubset('a: 1\n    b: 2')).toThrow(YamlSubsetError);
    expect(() => parseYamlSubset('just text')).toThrow(YamlSubsetError);
    expect(() => parseYamlSubset('a:\n\tb: 1')).toThrow(YamlSubsetError);
  });
});
