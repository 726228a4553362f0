import type { ParseArgsConfig } from 'node:util';
import type { GlobalOptions } from './global-options.js';
import type { CliIo } from './io.js';

export interface CommandContext {
  io: CliIo;
  globals: GlobalOptions;
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

/** One `mlwarden` command. Its module is loaded only when the command runs. */
export interface Command {
  /** Words that select it, e.g. `run`, `data drift`. */
  name: string;
  summary: string;
  usage: string;
  /** Extra help text: the command's own options and examples. */
  help?: string;
  options?: NonNullable<ParseArgsConfig['options']>;
  /** Returns the exit code. */
  run(context: CommandContext): Promise<number>;
}

/** Identity helper for type inference. */
export function defineCommand(command: Command): Command {
  return command;
}
