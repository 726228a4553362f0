import type { Plugin } from '@mlwarden/core';

/** The plugins that ship with the CLI; their checks are always available. */
export async function builtinPlugins(): Promise<Plugin[]> {
  return [];
}
