import { defineCheck, type RuleMeta } from '@mlwarden/core';
import { z } from 'zod';
import { mlflowContextOf } from '../adapter/mlflow-context.js';
import { isMlflowUri } from '../mlflow-uri.js';
import { indexArtifacts, joinPath, readSmallText } from './_artifact-text.js';
import { readMlmodels } from './_mlmodel.js';
import {
  checkCondaYaml,
  checkPipRequirements,
  checkPythonEnvYaml,
  type RequirementIssue,
  type RequirementsSummary,
  requirementLines,
} from './_requirements.js';
import { ruleReporter } from './_rule-reporter.js';

const options = z.object({
  /** Packages that need no exact pin (build tools MLflow itself leaves unpinned). */
  ignorePackages: z.array(z.string()).default(['pip', 'setuptools', 'wheel']),
  /** Largest environment file read. */
  maxFileBytes: z
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
});

const RULES = {
  'no-source-commit': {
    title: 'No source commit',
    severity: 'medium',
    remediation:
      'Train from a git checkout (MLflow records mlflow.source.git.commit) or set the tag yourself.',
  },
  'no-entry-point': {
    title: 'No entry point',
    severity: 'low',
    remediation: 'Set mlflow.source.name (MLflow does when a script starts the run).',
  },
  'no-user': {
    title: 'No user',
    severity: 'low',
    remediation: 'Set mlflow.user, e.g. to the CI identity that trained the model.',
  },
  'missing-requirements': {
    title: 'Model without requirements',
    severity: 'medium',
    remediation:
      'Log the model with pip_requirements= or let MLflow infer them, so the environment can be rebuilt.',
  },
  'unpinned-requirement': {
    title: 'Requirements not pinned to exact versions',
    severity: 'medium',
    remediation:
      'Pin every package with == (pip freeze, or pass pinned pip_requirements= to log_model).',
  },
  'custom-index': {
    title: 'Extra or replaced package index',
    severity: 'high',
    remediation:
      'Install from your approved index only; an extra index lets a public package shadow a private one (dependency confusion).',
  },
  'direct-url-requirement': {
    title: 'Requirement from a URL or VCS without a hash',
    severity: 'medium',
    remediation:
      'Pin direct references with #sha256= or --hash, or publish the package to your index.',
  },
} as const satisfies Record<string, RuleMeta>;

const ENV_FILES = ['requirements.txt', 'conda.yaml', 'python_env.yaml'] as const;

/**
 * Provenance of a run and of the models logged with it: who trained it (mlflow.user), from
 * which code (mlflow.source.git.commit, mlflow.source.name), and whether each model's
 * environment (requirements.txt, conda.yaml, python_env.yaml) pins exact versions from the
 * default index.
 */
export const mlflowProvenanceCheck = defineCheck({
  meta: {
    id: 'mlflow.provenance',
    title: 'MLflow run and model provenance',
    description:
      'Reports runs without source commit, entry point or user, and logged models whose requirements are missing, unpinned, from URLs, or from extra package indexes.',
    category: 'supply-chain',
    defaultSeverity: 'medium',
    taxonomy: { atlas: ['AML.T0010', 'AML.T0010.001'], owasp: ['ML06'] },
    requires: ['run'],
    options,
    docs: 'docs/checks/mlflow.provenance.md',
    rules: RULES,
  },
  async run(ctx) {
    const { run, artifacts } = ctx.inputs;
    if (mlflowContextOf(run) === undefined && !isMlflowUri(run.source)) {
      ctx.skip(`${run.source} is not an MLflow run; its provenance tags follow other conventions`);
      return;
    }
    const report = ruleReporter(ctx, RULES);
    const tags = run.tags;
    const tag = (key: string) => (tags[key] ?? '').trim();
    if (tag('mlflow.source.git.commit') === '') {
      report('no-source-commit', {
        message: `${run.source} records no source commit (tag mlflow.source.git.commit)`,
        location: { uri: run.source, field: 'tags.mlflow.source.git.commit' },
      });
    }
    if (tag('mlflow.source.name') === '' && tag('mlflow.project.entryPoint') === '') {
      report('no-entry-point', {
        message: `${run.source} records no entry point (tags mlflow.source.name, mlflow.project.entryPoint)`,
        location: { uri: run.source, field: 'tags.mlflow.source.name' },
      });
    }
    if (tag('mlflow.user') === '') {
      report('no-user', {
        message: `${run.source} records no user (tag mlflow.user)`,
        location: { uri: run.source, field: 'tags.mlflow.user' },
      });
    }
    if (artifacts === undefined) return;

    const files = await indexArtifacts(artifacts, ctx.signal);
    const models = await readMlmodels(files);
    const ignore = ctx.options.ignorePackages;
    let checked = 0;
    for (const model of models) {
      const present = ENV_FILES.filter((name) => files.has(joinPath(model.dir, name)));
      if (present.length === 0) {
        report('missing-requirements', {
          message: `the model in ${model.dir || '.'} has no requirements.txt, conda.yaml or python_env.yaml`,
          location: { uri: artifacts.source, member: model.path },
        });
        continue;
      }
      for (const name of present) {
        const path = joinPath(model.dir, name);
        const file = files.get(path);
        const text = file ? await readSmallText(file, ctx.options.maxFileBytes) : undefined;
        if (text === undefined) {
          ctx.incomplete(`${path} is larger than maxFileBytes or not text; it was not checked`);
          continue;
        }
        let summary: RequirementsSummary;
        try {
          summary =
            name === 'requirements.txt'
              ? checkPipRequirements(requirementLines(text), ignore)
              : name === 'conda.yaml'
                ? checkCondaYaml(text, ignore)
                : checkPythonEnvYaml(text, ignore);
        } catch (error) {
          ctx.incomplete(
            `${path} could not be read as YAML: ${(error as Error).message.split('\n')[0]}`,
          );
          continue;
        }
        checked++;
        reportIssues(path, summary.issues);
      }
    }
    ctx.metric('environmentFiles', checked);

    function reportIssues(path: string, issues: RequirementIssue[]) {
      const source = artifacts?.source ?? run.source;
      const unpinned = issues.filter((i) => i.type === 'unpinned');
      if (unpinned.length > 0) {
        const listed = unpinned.map((i) => `${i.name}${i.spec ? ` ${i.spec}` : ''}`);
        report('unpinned-requirement', {
          message: `${path}: ${unpinned.length} requirement${unpinned.length > 1 ? 's are' : ' is'} not pinned to an exact version: ${listed.slice(0, 10).join(', ')}${listed.length > 10 ? ', …' : ''}`,
          location: { uri: source, member: path, line: unpinned[0]?.line ?? 1 },
          evidence: { packages: unpinned.map((i) => i.name) },
        });
      }
      for (const issue of issues) {
        if (issue.type === 'index') {
          report('custom-index', {
            message: `${path} line ${issue.line} uses ${issue.option}: packages may come from an index other than the default`,
            location: { uri: source, member: path, line: issue.line },
            key: issue.option,
          });
        } else if (issue.type === 'direct-url') {
          report('direct-url-requirement', {
            message: `${path} line ${issue.line} installs from a URL or path without a hash`,
            location: { uri: source, member: path, line: issue.line },
            key: issue.name,
          });
        }
      }
    }
  },
});
