import { CheckTester } from '@mlwarden/core/testing';
import { describe, expect, it } from 'vitest';
import { memoryArtifacts } from '../../test/support/memory-artifacts.js';
import { recordedModel, recordedRun } from '../../test/support/recorded.js';
import { toRunInfo } from '../adapter/to-run-info.js';
import { mlflowProvenanceCheck } from './mlflow-provenance-check.js';

const tester = new CheckTester(mlflowProvenanceCheck);

const provenanceTags = {
  'mlflow.source.git.commit': '0123456789abcdef0123456789abcdef01234567',
  'mlflow.source.name': 'train.py',
  'mlflow.user': 'ci',
};
const run = (tags: Record<string, string> = provenanceTags) => ({
  source: 'mlflow-run:r',
  id: 'r',
  params: {},
  tags,
});

describe('mlflow.provenance on recorded runs and models', () => {
  it('skips a run that does not come from MLflow', async () => {
    const result = await tester.run({
      inputs: { run: { ...run({}), source: 'data/train.run.json' } },
    });
    expect(result.status).toBe('skip');
    expect(result.reason).toContain('not an MLflow run');
  });

  it('passes the clean run and its pinned scikit-learn model', async () => {
    await tester.expect(
      {
        inputs: {
          run: toRunInfo(recordedRun('run-clean.json')),
          artifacts: recordedModel('sklearn-skops'),
        },
      },
      { status: 'pass', findings: [], metrics: { environmentFiles: 3 } },
    );
    // MLflow itself leaves pip, setuptools and wheel unpinned; the pyfunc model pins the rest.
    await tester.expect(
      { inputs: { run: run(), artifacts: recordedModel('pyfunc-cloudpickle') } },
      { status: 'pass', findings: [] },
    );
  });

  it('reports the tampered run: no provenance, unpinned requirements, an extra index', async () => {
    await tester.expect(
      {
        inputs: {
          run: toRunInfo(recordedRun('run-tampered.json')),
          artifacts: recordedModel('tampered'),
        },
      },
      {
        status: 'fail',
        findings: [
          {
            rule: 'no-source-commit',
            severity: 'medium',
            location: { field: 'tags.mlflow.source.git.commit' },
          },
          { rule: 'no-entry-point', severity: 'low' },
          { rule: 'no-user', severity: 'low' },
          {
            rule: 'unpinned-requirement',
            message:
              'requirements.txt: 2 requirements are not pinned to an exact version: mlflow, cloudpickle >=2',
            location: { member: 'requirements.txt', line: 1 },
          },
          {
            rule: 'custom-index',
            severity: 'high',
            message: 'line 3 uses --extra-index-url',
            location: { member: 'requirements.txt', line: 3 },
          },
        ],
      },
    );
  });
});

describe('mlflow.provenance on environment files', () => {
  it('reports a model without any environment file', async () => {
    await tester.expect(
      {
        inputs: {
          run: run(),
          artifacts: memoryArtifacts('runs:/r/', { 'model/MLmodel': 'flavors: {}' }),
        },
      },
      {
        findings: [
          { rule: 'missing-requirements', message: 'the model in model has no requirements.txt' },
        ],
      },
    );
  });

  it('reads conda.yaml, python_env.yaml, continuation lines, URLs and hashes', async () => {
    const artifacts = memoryArtifacts('runs:/r/', {
      'm/MLmodel': 'flavors: {}',
      'm/requirements.txt': [
        '# pinned with hashes',
        'numpy==2.1.0 \\',
        '    --hash=sha256:abc',
        'torch @ https://download.example/torch.whl',
        'git+https://github.com/org/lib.git@main',
        'pandas==2.*',
        'scikit-learn[alldeps]==1.7.2 ; python_version >= "3.9"',
        '-r other.txt',
      ].join('\n'),
      'm/conda.yaml':
        'dependencies:\n- python=3.11\n- numpy\n- conda-forge::scipy=1.14.1\n- pip:\n  - requests>=2\n',
      'm/python_env.yaml':
        'python: "3.11"\nbuild_dependencies:\n- pip\ndependencies:\n- -r requirements.txt\n',
    });
    const result = await tester.run({ inputs: { run: run(), artifacts } });
    expect(
      result.findings.map((f) => [
        f.ruleId.split('/')[1],
        f.location?.member,
        f.location?.line,
        f.message.split(': ').at(-1),
      ]),
    ).toEqual([
      ['unpinned-requirement', 'm/requirements.txt', 6, 'pandas ==2.*'],
      [
        'direct-url-requirement',
        'm/requirements.txt',
        4,
        'm/requirements.txt line 4 installs from a URL or path without a hash',
      ],
      [
        'direct-url-requirement',
        'm/requirements.txt',
        5,
        'm/requirements.txt line 5 installs from a URL or path without a hash',
      ],
      ['unpinned-requirement', 'm/conda.yaml', 3, 'numpy, requests >=2'],
      ['unpinned-requirement', 'm/python_env.yaml', 1, 'python 3.11'],
    ]);
  });

  it('is incomplete, not passing, when an environment file cannot be read', async () => {
    const result = await tester.run({
      inputs: {
        run: run(),
        artifacts: memoryArtifacts('runs:/r/', {
          MLmodel: 'flavors: {}',
          'conda.yaml': 'dependencies: [\n',
        }),
      },
    });
    expect(result.status).toBe('incomplete');
    expect(result.incomplete?.[0]).toMatch(/conda.yaml could not be read as YAML/);
  });
});
