import { createHash } from 'node:crypto';
import { defineCheck, type RuleMeta } from '@mlwarden/core';
import { z } from 'zod';
import { indexArtifacts, readSmallText } from './_artifact-text.js';
import { ruleReporter } from './_rule-reporter.js';
import {
  findSecretAssignments,
  findSecretFormats,
  isSecretKey,
  looksLikeSecretValue,
  maskSecret,
} from './_secrets.js';

const options = z.object({
  /** Also scan small text files among the artifacts, when artifacts are given. */
  scanArtifacts: z.boolean().default(true),
  /** Files larger than this are not read as text. */
  maxFileBytes: z
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  /** Text read in all; past it the result is incomplete. */
  maxTotalBytes: z
    .number()
    .int()
    .positive()
    .default(64 * 1024 * 1024),
  /** Param and tag keys never reported by name alone (exact keys). */
  ignoreKeys: z.array(z.string()).default([]),
});

const RULES = {
  'credential-format': {
    title: 'Credential in a recognised format',
    severity: 'high',
    remediation:
      'Revoke the credential now, delete the value from the run (or the run), and pass secrets through the environment or a secret manager instead of params, tags or artifacts.',
  },
  'credential-key': {
    title: 'Value of a credential-named param, tag or setting',
    severity: 'medium',
    remediation:
      'If it is a real credential, revoke it and stop logging it; if not, rename the key or add it to ignoreKeys.',
  },
} as const satisfies Record<string, RuleMeta>;

/** Extensions read as text without sniffing. Anything else is read when it holds no NUL byte. */
const BINARY =
  /\.(?:pkl|pickle|joblib|pt|pth|bin|safetensors|onnx|h5|keras|pb|npy|npz|parquet|arrow|feather|zip|gz|tgz|bz2|xz|zst|7z|tar|png|jpe?g|gif|webp|pdf|skops|ubj|xgb|lgb|so|dll|dylib|whl)$/i;

/** Distinguishes findings of one file by the secret, not by its line, which moves. */
function digest(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 16);
}

/**
 * Finds credentials in a run's params and tags and in the small text files logged with it
 * (configs, notes, requirements). Values are masked in findings: only the non-secret prefix of
 * a known format (e.g. `AKIA…`) and the length are reported.
 */
export const mlflowSecretsCheck = defineCheck({
  meta: {
    id: 'mlflow.secrets',
    title: 'Secrets in MLflow runs',
    description:
      'Finds cloud keys, tokens, private keys and passwords in run params and tags and in small text artifacts, and reports them masked.',
    category: 'privacy',
    defaultSeverity: 'high',
    taxonomy: { atlas: ['AML.T0055'], owasp: ['ML06'] },
    requires: ['run'],
    options,
    docs: 'docs/checks/mlflow.secrets.md',
    rules: RULES,
  },
  async run(ctx) {
    const { run, artifacts } = ctx.inputs;
    const report = ruleReporter(ctx, RULES);
    const ignore = new Set(ctx.options.ignoreKeys);
    let found = 0;

    const scanEntries = (kind: 'params' | 'tags', entries: Readonly<Record<string, string>>) => {
      for (const [key, value] of Object.entries(entries)) {
        const location = { uri: run.source, field: `${kind}.${key}` };
        const what = `${kind === 'params' ? 'param' : 'tag'} "${key}"`;
        const formats = findSecretFormats(value);
        for (const m of formats) {
          found++;
          report('credential-format', {
            severity: m.severity,
            message: `${what} of ${run.source} holds ${m.title} (${maskSecret(m.value, true)}, ${m.value.length} characters)`,
            location,
            evidence: { kind: m.kind, masked: maskSecret(m.value, true), length: m.value.length },
            key: m.kind,
          });
        }
        if (
          formats.length === 0 &&
          !ignore.has(key) &&
          isSecretKey(key) &&
          looksLikeSecretValue(value)
        ) {
          found++;
          report('credential-key', {
            message: `${what} of ${run.source} is named like a credential and holds a ${value.length}-character value`,
            location,
            evidence: { masked: maskSecret(value, false), length: value.length },
          });
        }
      }
    };
    scanEntries('params', run.params);
    scanEntries('tags', run.tags);

    let scannedFiles = 0;
    if (artifacts !== undefined && ctx.options.scanArtifacts) {
      let budget = ctx.options.maxTotalBytes;
      for (const file of (await indexArtifacts(artifacts, ctx.signal)).values()) {
        if (BINARY.test(file.path) || file.size > ctx.options.maxFileBytes) continue;
        if (file.size > budget) {
          ctx.incomplete(
            `read ${ctx.options.maxTotalBytes - budget} bytes of text artifacts, the limit of maxTotalBytes; later files were not scanned`,
          );
          break;
        }
        const text = await readSmallText(file, ctx.options.maxFileBytes);
        if (text === undefined) continue;
        budget -= file.size;
        scannedFiles++;
        text.split(/\r?\n/).forEach((line, i) => {
          const location = { uri: artifacts.source, member: file.path, line: i + 1 };
          const formats = findSecretFormats(line);
          for (const m of formats) {
            found++;
            report('credential-format', {
              severity: m.severity,
              message: `${file.path} line ${i + 1} holds ${m.title} (${maskSecret(m.value, true)}, ${m.value.length} characters)`,
              location,
              evidence: { kind: m.kind, masked: maskSecret(m.value, true), length: m.value.length },
              key: `${m.kind}:${digest(m.value)}`,
            });
          }
          if (formats.length > 0) return;
          for (const a of findSecretAssignments(line)) {
            found++;
            report('credential-key', {
              message: `${file.path} line ${i + 1} sets "${a.key}", named like a credential, to a ${a.value.length}-character value`,
              location,
              evidence: { masked: maskSecret(a.value, false), length: a.value.length },
              key: `${a.key}:${digest(a.value)}`,
            });
          }
        });
      }
    }
    ctx.metric('params', Object.keys(run.params).length);
    ctx.metric('tags', Object.keys(run.tags).length);
    ctx.metric('textFiles', scannedFiles);
    ctx.metric('secrets', found);
  },
});
