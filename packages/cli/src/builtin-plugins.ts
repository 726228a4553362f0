import type { Plugin } from '@mlwarden/core';

/** The plugins that ship with the CLI; their checks and adapters are always available. */
export async function builtinPlugins(): Promise<Plugin[]> {
  const [{ adversarialPlugin }, { gxPlugin }, { mlflowPlugin }, { seldonPlugin }] =
    await Promise.all([
      import('@mlwarden/adversarial'),
      import('@mlwarden/great-expectations'),
      import('@mlwarden/mlflow'),
      import('@mlwarden/seldon'),
    ]);
  return [adversarialPlugin, gxPlugin, mlflowPlugin, seldonPlugin];
}
