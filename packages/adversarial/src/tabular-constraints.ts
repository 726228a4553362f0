import { ConfigError } from '@mlwarden/core';

/** What makes an adversarial tabular row valid, by feature index. */
export interface TabularConstraints {
  /** Lower bound: one for every feature, or one per feature. */
  min?: number | ArrayLike<number>;
  /** Upper bound: one for every feature, or one per feature. */
  max?: number | ArrayLike<number>;
  /** Features an attacker cannot change (e.g. age, account id). */
  immutable?: readonly number[];
  /** Features that must stay whole numbers. */
  integer?: readonly number[];
  /** Groups of features forming one one-hot encoded category: exactly one stays 1. */
  oneHot?: readonly (readonly number[])[];
}

/** The same constraints by feature name, as configuration gives them. */
export interface NamedTabularConstraints {
  bounds?: Readonly<Record<string, readonly [number, number]>>;
  /** Applied to every feature without its own bounds. */
  defaultBounds?: readonly [number, number];
  immutable?: readonly string[];
  integer?: readonly string[];
  oneHot?: readonly (readonly string[])[];
}

/** Resolves named constraints against the model's feature order; unknown names are errors. */
export function resolveConstraints(
  named: NamedTabularConstraints,
  features: readonly string[],
): TabularConstraints {
  const index = (name: string, where: string): number => {
    const i = features.indexOf(name);
    if (i < 0) {
      throw new ConfigError(`${where}: unknown feature "${name}"`, {
        hint: `features are: ${features.slice(0, 20).join(', ')}${features.length > 20 ? ', …' : ''}`,
      });
    }
    return i;
  };
  const out: TabularConstraints = {};
  if (named.bounds !== undefined || named.defaultBounds !== undefined) {
    const [lo, hi] = named.defaultBounds ?? [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
    const min = new Float64Array(features.length).fill(lo);
    const max = new Float64Array(features.length).fill(hi);
    for (const [name, [a, b]] of Object.entries(named.bounds ?? {})) {
      const i = index(name, 'constraints.bounds');
      if (!(a <= b)) throw new ConfigError(`constraints.bounds.${name}: [${a}, ${b}] is empty`);
      min[i] = a;
      max[i] = b;
    }
    out.min = min;
    out.max = max;
  }
  if (named.immutable)
    out.immutable = named.immutable.map((n) => index(n, 'constraints.immutable'));
  if (named.integer) out.integer = named.integer.map((n) => index(n, 'constraints.integer'));
  if (named.oneHot) {
    out.oneHot = named.oneHot.map((group) => group.map((n) => index(n, 'constraints.oneHot')));
  }
  return out;
}
