import type { Command } from '../command.js';

export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<Command>;
}

/** Every command, loaded lazily: starting `mlwarden checks` does not load the runner's inputs. */
export const commands: readonly CommandEntry[] = [
  {
    name: 'run',
    summary: 'run the checks a configuration file enables',
    load: async () => (await import('./run.js')).runCommand,
  },
  {
    name: 'checks',
    summary: 'list every available check',
    load: async () => (await import('./checks.js')).checksCommand,
  },
  {
    name: 'explain',
    summary: 'describe one check: threat, options, defaults',
    load: async () => (await import('./explain.js')).explainCommand,
  },
  {
    name: 'data profile',
    summary: 'profile a dataset: counts, moments, quantiles, distinct values',
    load: async () => (await import('./data-profile.js')).dataProfileCommand,
  },
  {
    name: 'data drift',
    summary: 'drift of a current dataset against a reference',
    load: async () => (await import('./data-drift.js')).dataDriftCommand,
  },
  {
    name: 'data poisoning',
    summary: 'label noise, outliers and backdoor triggers in training data',
    load: async () => (await import('./data-poisoning.js')).dataPoisoningCommand,
  },
  {
    name: 'fairness',
    summary: 'group fairness: parity, equalized odds, four-fifths rule',
    load: async () => (await import('./fairness.js')).fairnessCommand,
  },
  {
    name: 'data validate',
    summary: 'contract, integrity, leakage, personal data and secrets',
    load: async () => (await import('./data-validate.js')).dataValidateCommand,
  },
  {
    name: 'scan',
    summary: 'scan model files for code that runs on load',
    load: async () => (await import('./scan.js')).scanCommand,
  },
  {
    name: 'verify',
    summary: 'check a model directory against a manifest or signature',
    load: async () => (await import('./verify.js')).verifyCommand,
  },
  {
    name: 'seldon audit',
    summary: 'audit SeldonDeployment and Seldon Core v2 manifests',
    load: async () => (await import('./seldon-audit.js')).seldonAuditCommand,
  },
  {
    name: 'seldon probe',
    summary: 'probe a live inference endpoint within a request budget',
    load: async () => (await import('./seldon-probe.js')).seldonProbeCommand,
  },
  {
    name: 'gx import',
    summary: 'Great Expectations results as findings',
    load: async () => (await import('./gx-import.js')).gxImportCommand,
  },
  {
    name: 'gx export-suite',
    summary: 'a data contract as a Great Expectations suite',
    load: async () => (await import('./gx-export-suite.js')).gxExportSuiteCommand,
  },
  {
    name: 'mlflow check',
    summary: 'check MLflow models and runs',
    load: async () => (await import('./mlflow-check.js')).mlflowCheckCommand,
  },
  {
    name: 'mlflow gate',
    summary: 'move a registry alias only when the checks pass',
    load: async () => (await import('./mlflow-gate.js')).mlflowGateCommand,
  },
  {
    name: 'attack',
    summary: 'adversarial attacks: robust accuracy of a model or endpoint',
    load: async () => (await import('./attack.js')).attackCommand,
  },
  {
    name: 'privacy',
    summary: 'membership inference and model extraction',
    load: async () => (await import('./privacy.js')).privacyCommand,
  },
];
