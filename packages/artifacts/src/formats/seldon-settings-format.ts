import { firstNonSpace, readBounded, utf8 } from './_read-bounded.js';
import { escapesDirectory } from './_relative-path.js';
import type { FormatHandler } from './format-handler.js';

const MAX_BYTES = 1024 * 1024;
/** Inference runtimes shipped with MLServer. */
const STANDARD_RUNTIMES = new Set([
  'mlserver_sklearn.SKLearnModel',
  'mlserver_xgboost.XGBoostModel',
  'mlserver_lightgbm.LightGBMModel',
  'mlserver_catboost.CatboostModel',
  'mlserver_mlflow.MLflowRuntime',
  'mlserver_huggingface.HuggingFaceRuntime',
  'mlserver_alibi_explain.AlibiExplainRuntime',
  'mlserver_alibi_detect.AlibiDetectRuntime',
  'mlserver_mllib.MLlibModel',
]);

/**
 * Seldon MLServer `model-settings.json`, recognised by its `implementation` key. The
 * implementation is a Python class MLServer imports; one outside the standard runtimes is custom
 * code. `parameters.uri` is the model file, resolved against the settings' directory.
 */
export const seldonSettingsFormat: FormatHandler = {
  format: 'seldon-model-settings',
  sniff(source) {
    if (firstNonSpace(source.head) !== 0x7b) return false;
    const text = new TextDecoder().decode(source.head.subarray(0, 16 * 1024));
    return /"implementation"\s*:/.test(text) ? 'start' : false;
  },
  async scan(source, unit, ctx) {
    const bytes = await readBounded(source, MAX_BYTES);
    const text = bytes === undefined ? undefined : utf8(bytes);
    let settings: unknown;
    try {
      if (text === undefined) throw new Error('larger than 1 MiB or not UTF-8');
      settings = JSON.parse(text);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      unit.report({
        rule: 'malformed-header',
        severity: 'low',
        message: `model-settings.json unreadable: ${message}`,
      });
      unit.incomplete(`model-settings.json unreadable: ${message}`);
      return;
    }
    if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) return;
    const { implementation, parameters } = settings as Record<string, unknown>;
    if (typeof implementation === 'string' && !STANDARD_RUNTIMES.has(implementation)) {
      const dot = implementation.lastIndexOf('.');
      const module = dot < 0 ? implementation : implementation.slice(0, dot);
      const name = dot < 0 ? '' : implementation.slice(dot + 1);
      const c = ctx.classifyImport(module, name);
      const dangerous = c.verdict === 'dangerous';
      unit.report({
        rule: dangerous ? 'dangerous-import' : 'custom-object',
        severity: dangerous ? (c.severity ?? 'critical') : 'medium',
        message: dangerous
          ? `implementation ${implementation} is not a runtime: MLServer imports and instantiates it (${c.reason})`
          : `implementation ${implementation} is a custom runtime: MLServer imports its Python code from the model environment`,
        module,
        name,
        evidence: { implementation },
      });
    }
    const uri =
      typeof parameters === 'object' && parameters !== null
        ? (parameters as Record<string, unknown>).uri
        : undefined;
    if (typeof uri === 'string') {
      const why = escapesDirectory(uri);
      if (why !== undefined) {
        const outside = why === 'outside the model directory';
        unit.report({
          rule: 'path-escape',
          severity: outside ? 'high' : 'medium',
          message: `parameters.uri ${JSON.stringify(uri)} is ${why}: the server loads a model from outside the scanned directory`,
          evidence: { uri },
        });
      }
    }
  },
};
