import { describe, expect, it } from 'vitest';
import { resolveLimits } from '../scan/limits.js';
import { ScanContext } from '../scan/scan-context.js';
import { ScanUnit } from '../scan/scan-unit.js';
import { checkKerasConfig, type KerasJson } from './_keras-config.js';
import { KerasFindingMerger } from './_keras-finding-merger.js';
import { defaultHandlers } from './default-handlers.js';

const ctx = new ScanContext(resolveLimits(undefined), defaultHandlers, {}, undefined);

function lambda(body: string, extra: Record<string, KerasJson> = {}): KerasJson {
  return {
    class_name: 'Lambda',
    config: { name: 'l', function: { class_name: '__tuple__', items: [body] } },
    ...extra,
  };
}

/** Runs the Keras checks on each config as one node and merges them, like keras_metadata.pb. */
function merged(configs: KerasJson[]) {
  const merger = new KerasFindingMerger();
  configs.forEach((config, i) => {
    const scratch = new ScanUnit('m.pb', undefined);
    checkKerasConfig(config, scratch, ctx);
    merger.add(config, scratch.findings, { node: i + 1, offset: 100 * i });
  });
  const unit = new ScanUnit('m.pb', undefined);
  merger.reportTo(unit);
  return unit.findings;
}

describe('merging Keras findings across nodes', () => {
  it('merges the same layer however often and wherever it is written', () => {
    const model = (l: KerasJson) => ({ class_name: 'Sequential', config: { layers: [l] } });
    const f = merged([model(lambda('AAA')), lambda('AAA', { shared_object_id: 3 })]);
    expect(f).toHaveLength(1);
    expect(f[0]?.evidence.occurrences).toBe(2);
    expect(f[0]?.offset).toBe(0);
  });

  it('keeps layers whose configs differ apart, and ones with no count at all as they were', () => {
    const f = merged([lambda('AAA'), lambda('BBB'), lambda('AAA')]);
    expect(f.map((x) => x.evidence.occurrences)).toEqual([2, undefined]);
    expect(f.map((x) => x.offset)).toEqual([0, 100]);
  });

  it('does not merge findings whose path two objects share', () => {
    // "$.a.b<Lambda>" names both: which one a finding is about cannot be told.
    const config: KerasJson = {
      class_name: 'Model',
      config: {},
      'a.b': lambda('AAA'),
      a: { b: lambda('AAA') },
    };
    const f = merged([config]);
    expect(f.filter((x) => x.rule === 'embedded-code')).toHaveLength(2);
  });
});
