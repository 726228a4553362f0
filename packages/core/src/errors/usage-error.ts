import { MlwardenError, type MlwardenErrorOptions } from './mlwarden-error.js';

/** The command line was wrong: unknown flag, missing argument, bad value. The CLI exits with 2. */
export class UsageError extends MlwardenError {
  constructor(message: string, options: MlwardenErrorOptions = {}) {
    super('MLW_USAGE', message, options);
    this.name = 'UsageError';
  }
}
