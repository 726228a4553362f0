import { ConfigError } from '@mlwarden/core';
import type { TabularConstraints } from './tabular-constraints.js';

export type Norm = 'inf' | 2;

/** Applies bounds and tabular validity rules to batches of rows. */
export interface Projector {
  readonly width: number;
  /** 0 for features the attack may not change, else 1; undefined when every feature may change. */
  readonly mask: Float32Array | undefined;
  /** True when rows need snapping (integer or one-hot features) to be valid. */
  readonly snaps: boolean;
  /** Clips `x` (n rows) into the bounds in place. */
  clip(x: Float32Array, n: number): void;
  /**
   * Makes `x` valid in place: immutable features back to `x0`, integer features whole, one-hot
   * groups with exactly one 1, bounds respected, never leaving the `norm` ball of radius `eps`
   * around `x0` that `x` was in.
   */
  finish(x: Float32Array, x0: Float32Array, n: number, eps: number, norm: Norm): void;
}

function perFeature(
  value: number | ArrayLike<number> | undefined,
  width: number,
  fill: number,
  what: string,
): Float64Array | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return new Float64Array(width).fill(value);
  if (value.length !== width) {
    throw new ConfigError(`constraints.${what} has ${value.length} values for ${width} features`);
  }
  const out = Float64Array.from(value);
  for (let i = 0; i < width; i++) if (Number.isNaN(out[i])) out[i] = fill;
  return out;
}

function checkIndex(i: number, width: number, what: string): number {
  if (!(Number.isInteger(i) && i >= 0 && i < width)) {
    throw new ConfigError(`constraints.${what} has feature index ${i}, outside 0…${width - 1}`);
  }
  return i;
}

export function createProjector(constraints: TabularConstraints, width: number): Projector {
  const min = perFeature(constraints.min, width, Number.NEGATIVE_INFINITY, 'min');
  const max = perFeature(constraints.max, width, Number.POSITIVE_INFINITY, 'max');
  const immutable = (constraints.immutable ?? []).map((i) => checkIndex(i, width, 'immutable'));
  const integer = (constraints.integer ?? []).map((i) => checkIndex(i, width, 'integer'));
  const oneHot = (constraints.oneHot ?? []).map((g) =>
    g.map((i) => checkIndex(i, width, 'oneHot')),
  );
  let mask: Float32Array | undefined;
  if (immutable.length > 0) {
    mask = new Float32Array(width).fill(1);
    for (const i of immutable) mask[i] = 0;
  }
  const immutableSet = new Set(immutable);
  const fixedOrSnapped = new Set([...immutable, ...integer]);
  const clip = (x: Float32Array, n: number): void => {
    if (min === undefined && max === undefined) return;
    for (let r = 0; r < n; r++) {
      const base = r * width;
      for (let j = 0; j < width; j++) {
        let v = x[base + j] as number;
        if (min !== undefined && v < (min[j] as number)) v = min[j] as number;
        if (max !== undefined && v > (max[j] as number)) v = max[j] as number;
        x[base + j] = v;
      }
    }
  };
  const snaps = integer.length > 0 || oneHot.length > 0;
  const finish: Projector['finish'] = (x, x0, n, eps, norm) => {
    if (immutable.length === 0 && !snaps) {
      clip(x, n);
      return;
    }
    for (let r = 0; r < n; r++) {
      const base = r * width;
      for (const j of immutableSet) x[base + j] = x0[base + j] as number;
      for (const j of integer) {
        const orig = x0[base + j] as number;
        const v = x[base + j] as number;
        let s = Math.round(v);
        // Never move further from the original than the continuous value was.
        if (Math.abs(s - orig) > Math.abs(v - orig)) s = Math.round(orig) + Math.trunc(v - orig);
        if (min !== undefined && s < (min[j] as number)) s = Math.ceil(min[j] as number);
        if (max !== undefined && s > (max[j] as number)) s = Math.floor(max[j] as number);
        x[base + j] = s;
      }
      for (const group of oneHot) {
        let best = group[0] as number;
        for (const j of group) if ((x[base + j] as number) > (x[base + best] as number)) best = j;
        for (const j of group) x[base + j] = j === best ? 1 : 0;
      }
      for (let j = 0; j < width; j++) {
        if (fixedOrSnapped.has(j)) continue;
        let v = x[base + j] as number;
        if (min !== undefined && v < (min[j] as number)) v = min[j] as number;
        if (max !== undefined && v > (max[j] as number)) v = max[j] as number;
        x[base + j] = v;
      }
      if (oneHot.length === 0) continue;
      // A category switch that leaves the ball is undone.
      const tooFar = (): boolean => {
        if (norm === 'inf') {
          for (let j = 0; j < width; j++) {
            if (Math.abs((x[base + j] as number) - (x0[base + j] as number)) > eps * (1 + 1e-6))
              return true;
          }
          return false;
        }
        let sum = 0;
        for (let j = 0; j < width; j++)
          sum += ((x[base + j] as number) - (x0[base + j] as number)) ** 2;
        return Math.sqrt(sum) > eps * (1 + 1e-6);
      };
      if (tooFar()) {
        for (const group of oneHot) for (const j of group) x[base + j] = x0[base + j] as number;
      }
    }
  };
  return { width, mask, snaps, clip, finish };
}
