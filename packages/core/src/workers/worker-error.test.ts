import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import { MlwardenError } from '../errors/mlwarden-error.js';
import { errorFromWorker, workerErrorMessage } from './worker-error.js';

/** What crossing a thread does to a message: a structured clone. */
const across = <T>(value: T): T => structuredClone(value);

describe('worker errors', () => {
  it('bring a typed error back with its code and hint', () => {
    const sent = new ConfigError('the model has no layer "x"', {
      code: 'MLW_MODEL_LAYER_UNKNOWN' as never,
      hint: 'use one of: dense, out',
    });
    const back = errorFromWorker(across(workerErrorMessage(sent)), 'reading data.arrow');
    expect(MlwardenError.isInstance(back)).toBe(true);
    expect(back).toMatchObject({
      message: 'the model has no layer "x"',
      code: 'MLW_MODEL_LAYER_UNKNOWN',
      hint: 'use one of: dense, out',
    });
  });

  it('bring anything else back as a plain error named as before, with the context first', () => {
    const sent = new RangeError('offset out of bounds');
    const back = errorFromWorker(across(workerErrorMessage(sent)), 'drift of column 2');
    expect(MlwardenError.isInstance(back)).toBe(false);
    expect(back.name).toBe('RangeError');
    expect(back.message).toBe('drift of column 2: offset out of bounds');
    expect(workerErrorMessage('just a string')).toEqual({
      name: 'Error',
      message: 'just a string',
    });
  });
});
