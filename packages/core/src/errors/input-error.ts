import { type ErrorCode, MlwardenError, type MlwardenErrorOptions } from './mlwarden-error.js';

/** An input (file, URI, dataset, endpoint) is missing, unreadable or malformed. The CLI exits with 2. */
export class InputError extends MlwardenError {
  constructor(message: string, options: MlwardenErrorOptions & { code?: ErrorCode } = {}) {
    super(options.code ?? 'MLW_INPUT_INVALID', message, options);
    this.name = 'InputError';
  }
}
