import { defineCheck, type RuleMeta } from '@mlwarden/core';
import { z } from 'zod';
import { mlflowContextOf } from '../adapter/mlflow-context.js';
import { indexArtifacts, joinPath } from './_artifact-text.js';
import { asRecord, readMlmodels } from './_mlmodel.js';
import { ruleReporter } from './_rule-reporter.js';

const options = z.object({
  /** Report a model without `signature`. */
  requireSignature: z.boolean().default(true),
  /** Report a model without a saved input example. */
  requireInputExample: z.boolean().default(true),
});

const RULES = {
  'no-mlmodel': {
    title: 'Registered model without MLmodel',
    severity: 'medium',
    remediation: 'Log the model with an mlflow.<flavor>.log_model call so it has an MLmodel file.',
  },
  'unreadable-mlmodel': { title: 'MLmodel is not a readable YAML mapping', severity: 'medium' },
  'no-flavor': { title: 'MLmodel declares no flavour', severity: 'medium' },
  'no-loader': {
    title: 'No python_function loader',
    severity: 'low',
    remediation: 'Log the model with a flavour that adds python_function so it loads generically.',
  },
  'custom-loader': {
    title: 'Loader module outside MLflow',
    severity: 'high',
    remediation:
      'Loading imports this module: make sure it is your own reviewed code, or re-log the model with a built-in flavour.',
  },
  'code-on-load': {
    title: 'Code runs when the model is loaded',
    severity: 'medium',
    remediation:
      "Review the shipped code before loading the model; it runs with the loader's privileges.",
  },
  'pickle-serialization': {
    title: 'Pickle-based serialisation',
    severity: 'medium',
    remediation:
      'Loading unpickles these files, which can run arbitrary code: scan them (artifact.scan) and prefer skops or native formats.',
  },
  'no-signature': {
    title: 'No model signature',
    severity: 'medium',
    remediation:
      'Pass signature= (e.g. infer_signature(X, y)) to log_model so serving validates inputs.',
  },
  'no-input-example': {
    title: 'No input example',
    severity: 'low',
    remediation: 'Pass input_example= to log_model.',
  },
} as const satisfies Record<string, RuleMeta>;

/** Serialisation formats of flavours that unpickle on load. */
const PICKLE_FORMATS = new Set(['pickle', 'cloudpickle']);
/** Flavours whose files are always written with pickle (torch.save, statsmodels' save). */
const PICKLE_FLAVORS = new Set(['pytorch', 'statsmodels', 'pmdarima', 'diviner']);

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Files and flavours of one MLmodel that load through pickle. */
function pickledParts(
  flavors: Record<string, unknown>,
): { flavor: string; file?: string; format: string }[] {
  const out: { flavor: string; file?: string; format: string }[] = [];
  for (const [flavor, raw] of Object.entries(flavors)) {
    const conf = asRecord(raw) ?? {};
    const format = str(conf.serialization_format);
    const pickled = str(conf.pickled_model);
    if (flavor === 'python_function') {
      const pythonModel = str(conf.python_model);
      if (pythonModel && !pythonModel.endsWith('.py')) {
        out.push({ flavor, file: pythonModel, format: 'cloudpickle' });
      }
      continue;
    }
    if (format !== undefined && PICKLE_FORMATS.has(format)) {
      out.push({ flavor, ...(pickled !== undefined && { file: pickled }), format });
    } else if (
      format === undefined &&
      pickled !== undefined &&
      /\.(pkl|pickle|joblib)$/i.test(pickled)
    ) {
      out.push({ flavor, file: pickled, format: 'pickle' });
    } else if (PICKLE_FLAVORS.has(flavor)) {
      const file = str(conf.model_data) ?? str(conf.data);
      out.push({ flavor, ...(file !== undefined && { file }), format: 'pickle' });
    }
  }
  return out;
}

/** Code that MLflow imports or runs when it loads the model. */
function codeOnLoad(flavors: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [flavor, raw] of Object.entries(flavors)) {
    const conf = asRecord(raw) ?? {};
    const code = str(conf.code);
    if (code) out.push(`${flavor}.code: ${code}`);
    const pythonModel = str(conf.python_model);
    if (flavor === 'python_function' && pythonModel?.endsWith('.py')) {
      out.push(`python_function.python_model: ${pythonModel} (model from code)`);
    }
  }
  return out;
}

/**
 * Sanity of MLflow model folders: every `MLmodel` file in the artifacts is read as data (never
 * loaded) and checked for a flavour with a generic loader, a signature and an input example,
 * loaders outside MLflow, code run on load, and pickle-based serialisation.
 */
export const mlflowModelCheck = defineCheck({
  meta: {
    id: 'mlflow.model',
    title: 'MLflow model sanity',
    description:
      'Reads every MLmodel file as data and reports models without a flavour, loader, signature or input example, loaders outside MLflow, code that runs on load, and pickle-based serialisation.',
    category: 'supply-chain',
    defaultSeverity: 'medium',
    taxonomy: { atlas: ['AML.T0010.003', 'AML.T0011.000'], owasp: ['ML06'] },
    requires: ['artifacts'],
    options,
    docs: 'docs/checks/mlflow.model.md',
    rules: RULES,
  },
  async run(ctx) {
    const { artifacts } = ctx.inputs;
    const uri = artifacts.source;
    const files = await indexArtifacts(artifacts, ctx.signal);
    const models = await readMlmodels(files);
    const context = mlflowContextOf(ctx.inputs);
    const report = ruleReporter(ctx, RULES);
    ctx.metric('models', models.length);
    if (models.length === 0 && (context?.modelVersion || context?.loggedModel)) {
      report('no-mlmodel', {
        message: `${uri} is a registered or logged model, but its files hold no MLmodel`,
        location: { uri },
      });
    } else if (models.length === 0) {
      ctx.skip(`${uri} holds no MLmodel file: not an MLflow model`);
      return;
    }
    for (const model of models) {
      const at = { uri, member: model.path };
      if (!model.doc) {
        report('unreadable-mlmodel', {
          message: `${model.path}: ${model.error}`,
          location: at,
        });
        continue;
      }
      const doc = model.doc;
      const flavors = asRecord(doc.flavors) ?? {};
      const names = Object.keys(flavors);
      if (names.length === 0) {
        report('no-flavor', {
          message: `${model.path} declares no flavors`,
          location: { ...at, field: 'flavors' },
        });
        continue;
      }
      const pyfunc = asRecord(flavors.python_function);
      const loader = str(pyfunc?.loader_module);
      if (!loader) {
        report('no-loader', {
          message: `${model.path} has no python_function loader (flavors: ${names.join(', ')})`,
          location: { ...at, field: 'flavors.python_function.loader_module' },
        });
      } else if (!/^mlflow(\.|$)/.test(loader)) {
        report('custom-loader', {
          message: `${model.path} loads through module "${loader}", which is not part of MLflow: loading the model imports it`,
          location: { ...at, field: 'flavors.python_function.loader_module' },
          evidence: { loaderModule: loader },
        });
      }
      const code = codeOnLoad(flavors);
      if (code.length > 0) {
        report('code-on-load', {
          message: `${model.path} ships code that runs when the model is loaded: ${code.join('; ')}`,
          location: at,
          evidence: { code },
        });
      }
      const pickled = pickledParts(flavors);
      if (pickled.length > 0) {
        const described = pickled.map((p) =>
          p.file
            ? `${joinPath(model.dir, p.file)} (${p.flavor}, ${p.format})`
            : `${p.flavor} (${p.format})`,
        );
        report('pickle-serialization', {
          message: `${model.path}: loading the model unpickles ${described.join(', ')}`,
          location: at,
          evidence: {
            files: pickled.flatMap((p) => (p.file ? [joinPath(model.dir, p.file)] : [])),
            flavors: pickled.map((p) => p.flavor),
          },
        });
      }
      const signature = asRecord(doc.signature);
      if (ctx.options.requireSignature && !str(signature?.inputs)) {
        report('no-signature', {
          message: `${model.path} has no signature, so serving cannot validate inputs`,
          location: { ...at, field: 'signature' },
        });
      }
      const example = asRecord(doc.saved_input_example_info);
      if (ctx.options.requireInputExample && !str(example?.artifact_path)) {
        report('no-input-example', {
          message: `${model.path} has no saved input example`,
          location: { ...at, field: 'saved_input_example_info' },
        });
      }
    }
  },
});
