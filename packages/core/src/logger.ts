import { redact } from './redact.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** A logger whose lines start with `[name]`. */
  child(name: string): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Where lines go; defaults to standard error. */
  write?: (line: string) => void;
  /** Literal secrets (tokens, passwords) to hide in addition to the well-known formats. */
  secrets?: readonly string[];
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/** A logger that redacts credentials from every line it writes. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = ORDER[options.level ?? 'warn'];
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const secrets = options.secrets ?? [];
  const make = (prefix: string): Logger => {
    const emit = (at: LogLevel) => (message: string) => {
      if (ORDER[at] >= level) write(redact(`${prefix}${at}: ${message}`, secrets));
    };
    return {
      debug: emit('debug'),
      info: emit('info'),
      warn: emit('warn'),
      error: emit('error'),
      child: (name) => make(`${prefix}[${name}] `),
    };
  };
  return make('');
}

/** A logger that drops everything. */
export const silentLogger: Logger = createLogger({ level: 'silent' });
