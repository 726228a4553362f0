import { type ErrorCode, MlwardenError, type MlwardenErrorOptions } from './mlwarden-error.js';

/** A configuration file or option is missing, unreadable or invalid. The CLI exits with 2. */
export class ConfigError extends MlwardenError {
  constructor(message: string, options: MlwardenErrorOptions & { code?: ErrorCode } = {}) {
    super(options.code ?? 'MLW_CONFIG_INVALID', message, options);
    this.name = 'ConfigError';
  }
}
