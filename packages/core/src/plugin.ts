import type { Check } from './check.js';
import type { InputKind, Inputs } from './inputs.js';
import type { Logger } from './logger.js';
import type { Reporter } from './reporters/reporter.js';

/** Turns a path or URI (`models:/fraud/3`, `./data.parquet`, …) into typed inputs. */
export interface Adapter {
  name: string;
  canResolve(uri: string, kind: InputKind): boolean;
  resolve(
    uri: string,
    context: { kind: InputKind; signal: AbortSignal; log: Logger; cwd: string },
  ): Promise<Partial<Inputs>>;
}

export interface Plugin {
  name: string;
  version: string;
  // biome-ignore lint/suspicious/noExplicitAny: a plugin holds checks with different option types
  checks?: readonly Check<any>[];
  adapters?: readonly Adapter[];
  reporters?: Readonly<Record<string, Reporter>>;
}

/** Identity helper for type inference. */
export function definePlugin<P extends Plugin>(plugin: P): P {
  return plugin;
}
