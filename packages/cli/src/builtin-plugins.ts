import type { Plugin } from '@mlwarden/core';
import { localFilesPlugin } from './local-files-plugin.js';

/** The plugins that ship with the CLI; their checks and adapters are always available. */
export async function builtinPlugins(): Promise<Plugin[]> {
  const plugins = await Promise.all([
    import('@mlwarden/adversarial').then((m) => m.adversarialPlugin),
    import('@mlwarden/artifacts').then((m) => m.artifactsPlugin),
    import('@mlwarden/checks').then((m) => m.checksPlugin),
    import('@mlwarden/great-expectations').then((m) => m.gxPlugin),
    import('@mlwarden/mlflow').then((m) => m.mlflowPlugin),
    import('@mlwarden/seldon').then((m) => m.seldonPlugin),
  ]);
  return [...plugins, localFilesPlugin];
}
