import type { Plugin } from '@mlwarden/core';

/** The plugins that ship with the CLI; their checks and adapters are always available. */
export async function builtinPlugins(): Promise<Plugin[]> {
  const [{ gxPlugin }, { mlflowPlugin }, { seldonPlugin }] = await Promise.all([
    import('@mlwarden/great-expectations'),
    import('@mlwarden/mlflow'),
    import('@mlwarden/seldon'),
  ]);
  return [gxPlugin, mlflowPlugin, seldonPlugin];
}
