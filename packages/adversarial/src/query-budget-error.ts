import { MlwardenError } from '@mlwarden/core';

/**
 * A call would have taken a model target past its query budget, so it was refused before anything
 * was sent. Attacks catch it, stop cleanly and report their partial results as `incomplete`.
 */
export class QueryBudgetError extends MlwardenError {
  readonly budget: number;
  readonly used: number;
  readonly requested: number;

  constructor(source: string, budget: number, used: number, requested: number) {
    super(
      'MLW_QUERY_BUDGET_EXHAUSTED',
      `query budget of ${budget} exhausted for ${source}: ${used} used, ${requested} more requested`,
      { hint: 'raise the budget (--budget or the check option `budget`) or attack fewer samples' },
    );
    this.name = 'QueryBudgetError';
    this.budget = budget;
    this.used = used;
    this.requested = requested;
  }

  /** True for a QueryBudgetError from any copy of this package. */
  static is(value: unknown): value is QueryBudgetError {
    return MlwardenError.isInstance(value) && value.code === 'MLW_QUERY_BUDGET_EXHAUSTED';
  }
}
