import type { Check, CheckContext, CheckInputs, CheckMeta, Json } from './check.js';
import { ConfigError } from './errors/config-error.js';
import { MlwardenError } from './errors/mlwarden-error.js';
import type { Finding, FindingInput } from './finding.js';
import { fingerprint } from './fingerprint.js';
import type { InputKind, Inputs } from './inputs.js';
import { type Logger, silentLogger } from './logger.js';
import { applyPolicy, type Policy } from './policy.js';
import { redact, redactDeep } from './redact.js';
import { type CheckResult, REPORT_SCHEMA, type Report } from './report.js';
import { isSeverity, SEVERITIES, type Severity } from './severity.js';
import { mergeTaxonomy } from './taxonomy.js';
import { VERSION } from './version.js';

/** Per-check settings from configuration. */
export interface CheckSettings {
  enabled?: boolean;
  /** Replaces the severity of every finding of the check. */
  severity?: Severity;
  options?: unknown;
  timeoutMs?: number;
}

export interface ProgressEvent {
  checkId: string;
  done: number;
  total?: number;
  label?: string;
}

/** Optional observers of a run; they receive read-only data and must not throw. */
export interface RunHooks {
  onCheckStart?(meta: CheckMeta): void;
  onCheckEnd?(result: Readonly<CheckResult>): void;
  onProgress?(event: ProgressEvent): void;
}

export interface RunChecksOptions {
  // biome-ignore lint/suspicious/noExplicitAny: the registry holds checks with different option types
  checks: readonly Check<any>[];
  inputs?: Inputs;
  settings?: Readonly<Record<string, CheckSettings>>;
  policy?: Policy;
  /** Checks running at once. Default 4. */
  concurrency?: number;
  /** Default per-check timeout in milliseconds. Default 10 minutes. */
  timeoutMs?: number;
  /** Seed handed to every check and recorded in the report. Default 1. */
  seed?: number;
  signal?: AbortSignal;
  log?: Logger;
  /** Literal secrets to redact from findings, metrics and errors. */
  secrets?: readonly string[];
  tool?: { name: string; version: string };
  hooks?: RunHooks;
  /** Clock, for reproducible reports in tests. */
  now?: () => Date;
}

export const DEFAULT_TIMEOUT_MS = 600_000;

interface PlannedCheck {
  // biome-ignore lint/suspicious/noExplicitAny: see RunChecksOptions.checks
  check: Check<any>;
  options: unknown;
  severity: Severity | undefined;
  timeoutMs: number;
}

function formatIssuePath(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
}

/**
 * Validates check ids, settings and options before anything runs. Throws a ConfigError that names
 * the offending key (e.g. `checks.data.drift.options.threshold`).
 */
export function planChecks(
  // biome-ignore lint/suspicious/noExplicitAny: see RunChecksOptions.checks
  checks: readonly Check<any>[],
  settings: Readonly<Record<string, CheckSettings>> = {},
  defaultTimeoutMs = DEFAULT_TIMEOUT_MS,
): PlannedCheck[] {
  const byId = new Map<string, Check<unknown>>();
  for (const check of checks) {
    if (byId.has(check.meta.id)) {
      throw new ConfigError(`two checks have the id "${check.meta.id}"`, {
        code: 'MLW_PLUGIN_INVALID',
        hint: 'check ids must be unique across all plugins; rename one of them',
      });
    }
    byId.set(check.meta.id, check);
  }
  for (const id of Object.keys(settings)) {
    if (!byId.has(id)) {
      const known = [...byId.keys()].sort();
      throw new ConfigError(`checks.${id}: no check has the id "${id}"`, {
        code: 'MLW_CHECK_UNKNOWN',
        hint:
          known.length > 0
            ? `known checks: ${known.join(', ')}`
            : 'no checks are registered; add a plugin',
      });
    }
  }
  const planned: PlannedCheck[] = [];
  for (const check of byId.values()) {
    const s = settings[check.meta.id] ?? {};
    if (s.enabled === false) continue;
    if (s.severity !== undefined && !isSeverity(s.severity)) {
      throw new ConfigError(
        `checks.${check.meta.id}.severity: "${String(s.severity)}" is not a severity; use one of ${SEVERITIES.join(', ')}`,
      );
    }
    const parsed = check.meta.options.safeParse(s.options ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = `checks.${check.meta.id}.options${formatIssuePath(issue?.path ?? [])}`;
      throw new ConfigError(`${where}: ${issue?.message ?? 'invalid options'}`, {
        hint: `see \`mlwarden explain ${check.meta.id}\` for the options and their defaults`,
      });
    }
    planned.push({
      check,
      options: parsed.data,
      severity: s.severity,
      timeoutMs: s.timeoutMs ?? check.meta.timeoutMs ?? defaultTimeoutMs,
    });
  }
  return planned;
}

function missingInputs(requires: readonly InputKind[], inputs: Inputs): InputKind[] {
  return requires.filter((kind) => {
    const value = inputs[kind];
    return value === undefined || (Array.isArray(value) && value.length === 0);
  });
}

async function runOne(
  plan: PlannedCheck,
  inputs: Inputs,
  options: Required<Pick<RunChecksOptions, 'seed' | 'log'>> & RunChecksOptions,
): Promise<CheckResult> {
  const { meta } = plan.check;
  const started = performance.now();
  const base = { checkId: meta.id, title: meta.title, category: meta.category };
  const missing = missingInputs(meta.requires, inputs);
  if (missing.length > 0) {
    return {
      ...base,
      status: 'skip',
      durationMs: 0,
      metrics: {},
      findings: [],
      reason: `needs input${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which ${missing.length > 1 ? 'were' : 'was'} not given`,
    };
  }
  options.hooks?.onCheckStart?.(meta);
  const findings: Finding[] = [];
  const metrics: Record<string, Json> = {};
  const incomplete: string[] = [];
  let skipped: string | undefined;
  let closed = false;
  const log = options.log.child(meta.id);
  const secrets = options.secrets ?? [];

  const controller = new AbortController();
  const onParentAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onParentAbort, { once: true });
  if (options.signal?.aborted) onParentAbort();
  const timer = setTimeout(
    () =>
      controller.abort(
        new MlwardenError('MLW_CHECK_TIMEOUT', `timed out after ${plan.timeoutMs} ms`, {
          hint: `raise checks.${meta.id}.timeoutMs, or give the check less work`,
        }),
      ),
    plan.timeoutMs,
  );

  const report = (input: FindingInput) => {
    if (closed) {
      log.warn('finding reported after the check ended was dropped');
      return;
    }
    const ruleId = input.rule ? `${meta.id}/${input.rule}` : meta.id;
    const severity =
      plan.severity ?? (isSeverity(input.severity) ? input.severity : meta.defaultSeverity);
    const location = input.location && redactDeep({ ...input.location }, secrets);
    const finding: Finding = {
      checkId: meta.id,
      ruleId,
      severity,
      message: redact(String(input.message), secrets),
      ...(location !== undefined && { location }),
      ...(input.evidence !== undefined && { evidence: redactDeep(input.evidence, secrets) }),
      ...(input.remediation !== undefined && { remediation: input.remediation }),
      taxonomy: mergeTaxonomy(meta.taxonomy, input.taxonomy),
      fingerprint: fingerprint(ruleId, location, input.key),
    };
    findings.push(finding);
  };

  const context: CheckContext = {
    inputs: inputs as CheckInputs,
    options: plan.options,
    signal: controller.signal,
    report,
    metric: (name, value) => {
      if (!closed) metrics[name] = redactDeep(value, secrets);
    },
    progress: (done, total, label) =>
      options.hooks?.onProgress?.({
        checkId: meta.id,
        done,
        ...(total !== undefined && { total }),
        ...(label !== undefined && { label }),
      }),
    incomplete: (reason) => {
      if (!closed) incomplete.push(reason);
    },
    skip: (reason) => {
      if (!closed) skipped ??= reason;
    },
    log,
    seed: options.seed,
  };

  let error: CheckResult['error'];
  try {
    const aborted = new Promise<never>((_, reject) => {
      const fail = () => reject(controller.signal.reason);
      if (controller.signal.aborted) fail();
      else controller.signal.addEventListener('abort', fail, { once: true });
    });
    aborted.catch(() => undefined);
    await Promise.race([Promise.resolve().then(() => plan.check.run(context)), aborted]);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    const code = MlwardenError.isInstance(cause)
      ? cause.code
      : controller.signal.aborted
        ? 'MLW_CHECK_ABORTED'
        : undefined;
    const hint = MlwardenError.isInstance(cause) ? cause.hint : undefined;
    error = {
      message: redact(message, secrets),
      ...(code !== undefined && { code }),
      ...(hint !== undefined && { hint: redact(hint, secrets) }),
    };
    log.debug(cause instanceof Error && cause.stack ? redact(cause.stack, secrets) : message);
  } finally {
    closed = true;
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onParentAbort);
  }
  const result: CheckResult = {
    ...base,
    status: error
      ? 'error'
      : skipped !== undefined
        ? 'skip'
        : incomplete.length > 0
          ? 'incomplete'
          : 'pass',
    durationMs: Math.round(performance.now() - started),
    metrics,
    findings,
    ...(error !== undefined && { error }),
    ...(error === undefined && skipped !== undefined && { reason: skipped }),
    ...(incomplete.length > 0 && { incomplete }),
  };
  return result;
}

/** The source of every input given, by kind (several deployment files joined with ", "). */
function inputSources(
  inputs: Inputs,
  secrets: readonly string[],
): Partial<Record<InputKind, string>> {
  const out: Partial<Record<InputKind, string>> = {};
  for (const [kind, value] of Object.entries(inputs) as Array<[InputKind, unknown]>) {
    if (value === undefined) continue;
    const sources = (Array.isArray(value) ? value : [value]).map((v) =>
      String((v as { source?: unknown }).source ?? kind),
    );
    out[kind] = redact([...new Set(sources)].join(', '), secrets);
  }
  return out;
}

/**
 * Runs every enabled check whose inputs are present, at most `concurrency` at once, each under
 * its own timeout. A check that throws or hangs ends as `error`; its findings so far are kept.
 * The policy then decides statuses and the verdict.
 */
export async function runChecks(options: RunChecksOptions): Promise<Report> {
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  const started = performance.now();
  const plans = planChecks(options.checks, options.settings, options.timeoutMs);
  const inputs = options.inputs ?? {};
  const resolved = { ...options, seed: options.seed ?? 1, log: options.log ?? silentLogger };
  const results: CheckResult[] = new Array(plans.length);
  let next = 0;
  const worker = async () => {
    while (next < plans.length) {
      const index = next++;
      const result = await runOne(plans[index] as PlannedCheck, inputs, resolved);
      results[index] = result;
      options.hooks?.onCheckEnd?.(result);
    }
  };
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 4, plans.length || 1));
  await Promise.all(Array.from({ length: concurrency }, worker));

  const draft: Report = {
    schema: REPORT_SCHEMA,
    tool: options.tool ?? { name: 'mlwarden', version: VERSION },
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
    seed: resolved.seed,
    policy: { failOn: options.policy?.failOn ?? 'high' },
    summary: {
      checks: 0,
      passed: 0,
      failed: 0,
      errored: 0,
      skipped: 0,
      incomplete: 0,
      findings: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
      suppressed: 0,
      verdict: 'pass',
    },
    results,
    ...(Object.keys(inputs).length > 0 && { inputs: inputSources(inputs, options.secrets ?? []) }),
  };
  return applyPolicy(draft, options.policy, startedAt);
}
