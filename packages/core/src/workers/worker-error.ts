import { InputError } from '../errors/input-error.js';
import { MlwardenError } from '../errors/mlwarden-error.js';

/** An error as a worker thread posts it: structured clone drops its class, so its parts travel. */
export interface WorkerErrorMessage {
  name: string;
  message: string;
  code?: string;
  hint?: string;
}

/** The parts of an error thrown on a worker thread, to post to the thread that started it. */
export function workerErrorMessage(error: unknown): WorkerErrorMessage {
  const e = error instanceof Error ? error : new Error(String(error));
  return {
    name: e.name,
    message: e.message,
    ...(MlwardenError.isInstance(error) && { code: error.code }),
    ...(MlwardenError.isInstance(error) && error.hint !== undefined && { hint: error.hint }),
  };
}

/**
 * The error to throw for one a worker posted: a typed error (it has a code) comes back as an
 * `InputError` with its code and hint; anything else as an `Error` of the same name whose message
 * starts with `context`, e.g. `profile worker failed`.
 */
export function errorFromWorker(error: WorkerErrorMessage, context: string): Error {
  if (error.code || error.name === 'InputError') {
    return new InputError(error.message, {
      ...(error.code ? { code: error.code as never } : {}),
      ...(error.hint ? { hint: error.hint } : {}),
    });
  }
  const e = new Error(`${context}: ${error.message}`);
  e.name = error.name;
  return e;
}
