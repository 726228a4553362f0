import { InputError } from '@mlwarden/core';

/**
 * A white-box attack needs the gradient of a model op TensorFlow.js cannot differentiate (a graph
 * model converted from TensorFlow may hold such ops). The model still predicts, so black-box
 * attacks work on it.
 */
export class MissingGradientError extends InputError {
  /** The TensorFlow.js kernel without a gradient, e.g. `StridedSlice`. */
  readonly op: string;

  constructor(source: string, op: string, cause?: unknown) {
    super(
      `${source}: TensorFlow.js has no gradient for the op ${op}, so white-box attacks (fgsm, pgd) cannot run on this model`,
      {
        code: 'MLW_MODEL_NO_GRADIENT',
        cause,
        hint: 'use a black-box attack instead (--attack hsj or square), or re-export the model without that op',
      },
    );
    this.name = 'MissingGradientError';
    this.op = op;
  }

  /** True for a MissingGradientError from any copy of this package. */
  static is(value: unknown): value is MissingGradientError {
    return InputError.isInstance(value) && value.code === 'MLW_MODEL_NO_GRADIENT';
  }

  /** The op named by a TensorFlow.js "gradient function not found" error, if it is one. */
  static opOf(error: unknown): string | undefined {
    const message = error instanceof Error ? error.message : '';
    return /gradient function not found for ([\w-]+)/.exec(message)?.[1];
  }
}
