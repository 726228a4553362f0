import type { ScanContext } from '../scan/scan-context.js';
import type { ScanUnit } from '../scan/scan-unit.js';

/** Modules whose classes a Keras config may name without comment. */
const KERAS_ROOTS = ['keras', 'tf_keras'];
/** Functions that re-open the door `safe_mode` closes (B26: CVE-2025-8747, CVE-2025-9906). */
const GADGETS = new Set([
  'load_model',
  'get_file',
  'set_global_attribute',
  'enable_unsafe_deserialization',
]);
const MAX_DEPTH = 256;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(v: Json | undefined): v is { [key: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function kerasModule(module: string): boolean {
  return KERAS_ROOTS.some((root) => module === root || module.startsWith(`${root}.`));
}

function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1);
}

/**
 * Checks a Keras model config (the `config.json` of a `.keras` zip or the `model_config`
 * attribute of an HDF5 file): Lambda layers and `__lambda__` functions carry marshalled bytecode;
 * `module` fields outside Keras import arbitrary modules (CVE-2025-1550); function references to
 * `load_model`/`get_file`/`set_global_attribute` undo safe mode (CVE-2025-8747/9906);
 * `registered_name` names custom objects whose code comes from elsewhere.
 */
export function checkKerasConfig(root: Json, unit: ScanUnit, ctx: ScanContext): void {
  const reportImport = (module: string, name: string, where: string) => {
    const path = module === '' ? name : `${module}.${name}`;
    if (GADGETS.has(lastSegment(path)) || GADGETS.has(name)) {
      unit.report({
        rule: 'dangerous-import',
        severity: 'high',
        message: `Keras config references ${path} at ${where}, which can load further models with safe mode off`,
        module,
        name,
        evidence: { at: where, bypass: 'B26' },
      });
      return;
    }
    if (kerasModule(module)) return;
    const c = ctx.classifyImport(module, name);
    if (c.verdict === 'allowed') return;
    unit.report({
      rule: c.verdict === 'dangerous' ? 'dangerous-import' : 'unlisted-import',
      severity: c.verdict === 'dangerous' ? (c.severity ?? 'critical') : 'high',
      message: `Keras config at ${where} makes the loader import ${path}, outside Keras (${c.reason})`,
      module,
      name,
      evidence: { at: where, verdict: c.verdict },
    });
  };

  const walk = (node: Json, where: string, depth: number, inLambda: boolean): void => {
    if (depth > MAX_DEPTH) {
      unit.incomplete(`Keras config nested deeper than ${MAX_DEPTH} levels`);
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((item, i) => {
        walk(item, `${where}[${i}]`, depth + 1, inLambda);
      });
      return;
    }
    if (typeof node === 'string') {
      if (GADGETS.has(node)) reportImport('', node, where);
      return;
    }
    if (!isObject(node)) return;
    const className = typeof node.class_name === 'string' ? node.class_name : undefined;
    const module = typeof node.module === 'string' ? node.module : undefined;
    const config = node.config;
    const here = className === undefined ? where : `${where}<${className}>`;
    let lambda = inLambda;
    if (className === 'Lambda') {
      lambda = true;
      const fn = isObject(config) ? config.function : undefined;
      const type = isObject(config) ? config.function_type : undefined;
      const bytecode =
        (isObject(fn) && fn.class_name === '__lambda__') ||
        (Array.isArray(fn) && typeof fn[0] === 'string') ||
        type === 'lambda';
      unit.report({
        rule: 'embedded-code',
        severity: 'high',
        message: bytecode
          ? `Keras Lambda layer at ${here} carries marshalled Python bytecode that runs when the model is loaded or called`
          : `Keras Lambda layer at ${here} calls a Python function when the model is called`,
        evidence: { at: here, bytecode, bypass: 'B24' },
      });
      if (isObject(config) && type === 'function' && typeof fn === 'string') {
        reportImport(typeof config.module === 'string' ? config.module : '__main__', fn, here);
      }
    } else if (className === '__lambda__' && !inLambda) {
      unit.report({
        rule: 'embedded-code',
        severity: 'high',
        message: `Keras config at ${here} holds a lambda serialised as marshalled Python bytecode`,
        evidence: { at: here, bypass: 'B24' },
      });
    }
    if (module !== undefined && className !== undefined) {
      if (className === 'function' && typeof config === 'string') {
        reportImport(module, config, here);
      } else {
        reportImport(module, className, here);
      }
    }
    const registered = node.registered_name;
    if (
      typeof registered === 'string' &&
      registered !== 'function' &&
      registered !== className &&
      (module === undefined || !kerasModule(module) || registered.includes('>'))
    ) {
      unit.report({
        rule: 'custom-object',
        severity: 'medium',
        message: `Keras custom object ${JSON.stringify(registered)} at ${here}: its code is not in the file and must come from the loading program`,
        evidence: { at: here, registeredName: registered },
      });
    }
    const namedFunction = className === 'function' && typeof config === 'string';
    for (const [key, value] of Object.entries(node)) {
      if (key === 'class_name' || key === 'module' || key === 'registered_name') continue;
      if (key === 'config' && namedFunction) continue;
      walk(value, `${here}.${key}`, depth + 1, lambda);
    }
  };
  walk(root, '$', 0, false);
}

/** True when a parsed JSON value looks like a Keras model config. */
export function isKerasConfig(value: unknown): value is Json {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as Record<string, unknown>).class_name === 'string' &&
    'config' in value
  );
}

export type { Json as KerasJson };
