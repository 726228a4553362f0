import { definePlugin } from '@mlwarden/core';
import { createMlflowAdapter, type MlflowAdapterOptions } from './adapter/create-mlflow-adapter.js';
import { mlflowModelCheck } from './checks/mlflow-model-check.js';
import { mlflowProvenanceCheck } from './checks/mlflow-provenance-check.js';
import { mlflowRegistryCheck } from './checks/mlflow-registry-check.js';
import { mlflowSecretsCheck } from './checks/mlflow-secrets-check.js';
import { VERSION } from './version.js';

/** The MLflow checks, in documentation order. */
export const mlflowChecks = [
  mlflowModelCheck,
  mlflowSecretsCheck,
  mlflowProvenanceCheck,
  mlflowRegistryCheck,
] as const;

/** The plugin with a custom adapter (client, credentials, download limits). */
export function createMlflowPlugin(options: MlflowAdapterOptions = {}) {
  return definePlugin({
    name: '@mlwarden/mlflow',
    version: VERSION,
    checks: mlflowChecks,
    adapters: [createMlflowAdapter(options)],
  });
}

/**
 * The MLflow checks and the adapter for `models:/…`, `runs:/…` and `mlflow-run:…`, with the
 * client configured from MLflow's environment variables on first use.
 */
export const mlflowPlugin = createMlflowPlugin();
