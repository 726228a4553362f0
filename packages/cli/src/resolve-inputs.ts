import {
  InputError,
  type InputKind,
  type Inputs,
  isInputKind,
  type Logger,
  type MlwardenConfig,
  type Plugin,
  UsageError,
} from '@mlwarden/core';

export type InputSpecs = NonNullable<MlwardenConfig['inputs']>;

/** `--input kind=uri` flags as input specs. */
export function inputFlags(flags: readonly string[]): InputSpecs {
  const specs: Record<string, string> = {};
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    const kind = flag.slice(0, eq);
    if (eq <= 0 || !isInputKind(kind) || eq === flag.length - 1) {
      throw new UsageError(`--input "${flag}" is not of the form <kind>=<path or uri>`, {
        hint: 'kinds: dataset, reference, model, artifacts, deployments, validationResults, run',
      });
    }
    specs[kind] = flag.slice(eq + 1);
  }
  return specs as InputSpecs;
}

/**
 * Turns input specs into inputs: objects are used as they are, strings are handed to the first
 * adapter (of the given plugins, in order) that can resolve them. An adapter may also return
 * related inputs (an MLflow model's run, say); those fill kinds not given explicitly.
 */
export async function resolveInputs(
  specs: InputSpecs,
  plugins: readonly Plugin[],
  context: { cwd: string; signal: AbortSignal; log: Logger },
): Promise<Inputs> {
  const inputs: Record<string, unknown> = {};
  const extra: Record<string, unknown> = {};
  for (const [kind, spec] of Object.entries(specs) as Array<[InputKind, unknown]>) {
    if (spec === undefined) continue;
    if (typeof spec !== 'string') {
      inputs[kind] = spec;
      continue;
    }
    const adapter = plugins.flatMap((p) => p.adapters ?? []).find((a) => a.canResolve(spec, kind));
    if (adapter === undefined) {
      throw new InputError(`no installed adapter can read "${spec}" as ${kind}`, {
        code: 'MLW_INPUT_UNRESOLVED',
        hint: 'check the path or URI; MLflow, Great Expectations and Seldon inputs need their adapter packages',
      });
    }
    const resolved = await adapter.resolve(spec, { kind, ...context });
    const value = resolved[kind];
    if (value === undefined) {
      throw new InputError(`adapter "${adapter.name}" read "${spec}" but produced no ${kind}`, {
        code: 'MLW_INPUT_UNRESOLVED',
      });
    }
    inputs[kind] = value;
    for (const [k, v] of Object.entries(resolved))
      if (k !== kind && v !== undefined) extra[k] ??= v;
  }
  return { ...extra, ...inputs } as Inputs;
}
