import type { ArtifactSet, Inputs, RunInfo } from '@mlwarden/core';
import type {
  MlflowLoggedModel,
  MlflowModelVersion,
  MlflowRegisteredModel,
  MlflowRun,
} from '../client/mlflow-types.js';

const BRAND = 'mlwarden.mlflow/v1';

/**
 * What the adapter learnt about an input from the tracking server. It rides along on the
 * `artifacts` and `run` inputs it resolves (as the `mlflow` property), so the MLflow checks can
 * read registry state without network access of their own.
 */
export interface MlflowInputContext {
  readonly brand: typeof BRAND;
  readonly trackingUri: string;
  /** The URI the user gave. */
  readonly uri: string;
  readonly run?: MlflowRun;
  readonly modelVersion?: MlflowModelVersion;
  readonly registeredModel?: MlflowRegisteredModel;
  /** Every other version an alias of the registered model points at, with its tags. */
  readonly aliasedVersions?: readonly MlflowModelVersion[];
  readonly loggedModel?: MlflowLoggedModel;
}

export function makeMlflowContext(fields: Omit<MlflowInputContext, 'brand'>): MlflowInputContext {
  return { brand: BRAND, ...fields };
}

function contextOf(value: unknown): MlflowInputContext | undefined {
  const mlflow = (value as { mlflow?: { brand?: unknown } } | undefined)?.mlflow;
  return mlflow?.brand === BRAND ? (mlflow as MlflowInputContext) : undefined;
}

/** The MLflow context of resolved inputs, when an MLflow adapter produced them. */
export function mlflowContextOf(
  inputs: Pick<Inputs, 'artifacts' | 'run'> | ArtifactSet | RunInfo,
): MlflowInputContext | undefined {
  const direct = contextOf(inputs);
  if (direct) return direct;
  const i = inputs as Pick<Inputs, 'artifacts' | 'run'>;
  return contextOf(i.artifacts) ?? contextOf(i.run);
}
