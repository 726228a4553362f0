import { checkKerasConfig, isKerasConfig } from './_keras-config.js';
import { firstNonSpace, readBounded, utf8 } from './_read-bounded.js';
import type { FormatHandler } from './format-handler.js';

/** Largest Keras config read (configs of very large functional models stay well below). */
const MAX_CONFIG_BYTES = 64 * 1024 * 1024;
const CLASS_NAME = /"class_name"\s*:/;

/**
 * A Keras model config as JSON: the `config.json` member of a Keras v3 `.keras` zip (the zip
 * handler passes every member back by content), or a config saved on its own.
 */
export const kerasConfigFormat: FormatHandler = {
  format: 'keras-config',
  sniff(source) {
    if (firstNonSpace(source.head) !== 0x7b) return false;
    const text = new TextDecoder().decode(source.head.subarray(0, 4096));
    return CLASS_NAME.test(text) && text.includes('"config"') ? 'start' : false;
  },
  async scan(source, unit, ctx) {
    const bytes = await readBounded(source, MAX_CONFIG_BYTES);
    if (bytes === undefined) {
      unit.incomplete(`Keras config larger than ${MAX_CONFIG_BYTES} bytes`);
      return;
    }
    const text = utf8(bytes);
    let value: unknown;
    try {
      if (text === undefined) throw new Error('not UTF-8');
      value = JSON.parse(text);
    } catch (error) {
      unit.report({
        rule: 'malformed-header',
        severity: 'low',
        message: `Keras config is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      });
      unit.incomplete('Keras config is not valid JSON');
      return;
    }
    if (!isKerasConfig(value)) return;
    if (source.name === 'config.json' || source.name.endsWith('/config.json')) {
      unit.addFormat('keras-v3');
    }
    checkKerasConfig(value, unit, ctx);
  },
};
