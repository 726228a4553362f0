import type { Plugin } from '@mlwarden/core';

/** The plugins that ship with the CLI; their checks and adapters are always available. */
export async function builtinPlugins(): Promise<Plugin[]> {
  const [{ seldonPlugin }] = await Promise.all([import('@mlwarden/seldon')]);
  return [seldonPlugin];
}
