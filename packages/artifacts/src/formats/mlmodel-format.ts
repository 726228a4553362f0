import { parse as parseYaml } from 'yaml';
import { readBounded, utf8 } from './_read-bounded.js';
import type { FormatHandler } from './format-handler.js';

const MAX_BYTES = 1024 * 1024;
const FLAVORS = /^flavors:[ \t]*\r?$/m;
const FLAVORS_KEY = Buffer.from('flavors:', 'latin1');

type Map = { [key: string]: unknown };

function isMap(v: unknown): v is Map {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * MLflow's `MLmodel` file (YAML), recognised by its top-level `flavors:` key. It decides what
 * `mlflow.pyfunc.load_model` runs: `loader_module` is imported and called, `python_model` is a
 * cloudpickled PythonModel, `code` is a directory of Python added to `sys.path`. A pyfunc model
 * with custom code is reported as embedded code (so a policy can accept a signed one); a loader
 * outside MLflow is an import like any other. The pickles themselves are scanned as files.
 */
export const mlmodelFormat: FormatHandler = {
  format: 'mlflow-mlmodel',
  sniff(source) {
    const first = source.head[0];
    if (first === undefined || first === 0x7b || first === 0x80) return false;
    const head = source.head.subarray(0, Math.min(source.head.length, 16 * 1024));
    // The key is ASCII, so its bytes are in any head whose text matches: most heads (binary
    // members, pickles) are then never decoded.
    if (Buffer.from(head.buffer, head.byteOffset, head.length).indexOf(FLAVORS_KEY) < 0) {
      return false;
    }
    const text = utf8(head);
    return text !== undefined && FLAVORS.test(text) ? 'start' : false;
  },
  async scan(source, unit, ctx) {
    const bytes = await readBounded(source, MAX_BYTES);
    const text = bytes === undefined ? undefined : utf8(bytes);
    if (text === undefined) {
      unit.incomplete(`MLmodel larger than ${MAX_BYTES} bytes or not UTF-8`);
      return;
    }
    let doc: unknown;
    try {
      // A data-only parse: no custom tags are resolved, aliases are bounded (alias bombs).
      // Warnings (an unknown tag) stay out of the process's warnings: they would echo file content.
      doc = parseYaml(text, {
        maxAliasCount: 100,
        uniqueKeys: false,
        prettyErrors: false,
        logLevel: 'error',
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      unit.report({
        rule: 'malformed-header',
        severity: 'low',
        message: `MLmodel is not valid YAML (${reason}); not analysed`,
      });
      unit.incomplete(`MLmodel not parsed: ${reason}`);
      return;
    }
    const flavors = isMap(doc) ? doc.flavors : undefined;
    if (!isMap(flavors)) {
      unit.incomplete('MLmodel has no flavors mapping');
      return;
    }
    const pyfunc = flavors.python_function;
    if (!isMap(pyfunc)) return;
    const loader = typeof pyfunc.loader_module === 'string' ? pyfunc.loader_module : undefined;
    if (loader !== undefined && loader !== 'mlflow' && !loader.startsWith('mlflow.')) {
      const c = ctx.classifyImport(loader, '_load_pyfunc');
      unit.report({
        rule: c.verdict === 'dangerous' ? 'dangerous-import' : 'unlisted-import',
        severity: c.verdict === 'dangerous' ? (c.severity ?? 'critical') : 'high',
        message: `pyfunc loader_module ${loader} is not an MLflow flavor: loading imports it and calls its _load_pyfunc`,
        module: loader,
        name: '_load_pyfunc',
        evidence: { flavor: 'python_function' },
      });
    }
    const code = pyfunc.code;
    const model = pyfunc.python_model;
    if (typeof model === 'string' || (typeof code === 'string' && code !== '')) {
      unit.report({
        rule: 'embedded-code',
        severity: 'high',
        message: [
          typeof model === 'string' ? `custom PythonModel cloudpickled in ${model}` : undefined,
          typeof code === 'string' && code !== ''
            ? `Python code in ${code}/ put on sys.path (code_paths)`
            : undefined,
        ]
          .filter((s) => s !== undefined)
          .join('; ')
          .concat(': runs when the model is loaded'),
        evidence: {
          flavor: 'python_function',
          ...(typeof model === 'string' && { pythonModel: model }),
          ...(typeof code === 'string' && { code }),
          flavors: Object.keys(flavors),
        },
      });
    }
  },
};
