import { CheckTester } from '@mlwarden/core/testing';
import { describe, expect, it } from 'vitest';
import { memoryArtifacts } from '../../test/support/memory-artifacts.js';
import { recordedModel } from '../../test/support/recorded.js';
import { makeMlflowContext } from '../adapter/mlflow-context.js';
import { mlflowModelCheck } from './mlflow-model-check.js';

const tester = new CheckTester(mlflowModelCheck);

/** A model folder recorded from the real MLflow server (scripts/mlflow-record-fixtures). */

describe('mlflow.model on models logged by MLflow 3', () => {
  it('passes a scikit-learn model saved with skops, signature and input example', async () => {
    await tester.expect(
      { inputs: { artifacts: recordedModel('sklearn-skops') } },
      { status: 'pass', findings: [], metrics: { models: 1 } },
    );
  });

  it('notes the cloudpickled python_model of a custom pyfunc and its missing signature', async () => {
    await tester.expect(
      { inputs: { artifacts: recordedModel('pyfunc-cloudpickle') } },
      {
        status: 'fail',
        findings: [
          {
            rule: 'pickle-serialization',
            severity: 'medium',
            message: 'unpickles python_model.pkl (python_function, cloudpickle)',
            location: { uri: 'models:/pyfunc-cloudpickle/1', member: 'MLmodel' },
          },
          { rule: 'no-signature', severity: 'medium', location: { field: 'signature' } },
          { rule: 'no-input-example', severity: 'low' },
        ],
      },
    );
  });

  it('passes with findings below the threshold', async () => {
    const result = await tester.run({
      inputs: { artifacts: recordedModel('tampered') },
      failOn: 'high',
    });
    expect(result.status).toBe('pass');
    expect(result.findings.map((f) => f.ruleId)).toEqual([
      'mlflow.model/pickle-serialization',
      'mlflow.model/no-signature',
      'mlflow.model/no-input-example',
    ]);
  });
});

const mlmodel = (body: string) => memoryArtifacts('runs:/r/model', { 'model/MLmodel': body });

describe('mlflow.model on hand-written MLmodel files', () => {
  it('reports a loader module outside MLflow and code that runs on load', async () => {
    await tester.expect(
      {
        inputs: {
          artifacts: mlmodel(
            [
              'flavors:',
              '  python_function:',
              '    loader_module: evil_loader',
              '    code: code',
              'signature: {inputs: "[]"}',
              'saved_input_example_info: {artifact_path: input_example.json}',
            ].join('\n'),
          ),
        },
      },
      {
        findings: [
          {
            rule: 'custom-loader',
            severity: 'high',
            message: '"evil_loader"',
            location: { member: 'model/MLmodel' },
          },
          { rule: 'code-on-load', message: 'python_function.code: code' },
        ],
      },
    );
  });

  it('recognises models from code and pickled scikit-learn models', async () => {
    await tester.expect(
      {
        inputs: {
          artifacts: mlmodel(
            [
              'flavors:',
              '  python_function: {loader_module: mlflow.pyfunc.model, python_model: agent.py}',
              '  sklearn: {pickled_model: model.pkl, serialization_format: cloudpickle}',
            ].join('\n'),
          ),
        },
        options: { requireSignature: false, requireInputExample: false },
      },
      {
        findings: [
          { rule: 'code-on-load', message: 'agent.py (model from code)' },
          { rule: 'pickle-serialization', message: 'model/model.pkl (sklearn, cloudpickle)' },
        ],
      },
    );
  });

  it('reports missing flavours and unreadable files without loading anything', async () => {
    await tester.expect(
      { inputs: { artifacts: mlmodel('mlflow_version: 3.0.0\n') } },
      { findings: [{ rule: 'no-flavor' }] },
    );
    await tester.expect(
      { inputs: { artifacts: mlmodel('flavors: [unclosed\n') } },
      { findings: [{ rule: 'unreadable-mlmodel', message: 'not valid YAML' }] },
    );
    // A YAML tag that Python's unsafe loader would execute is inert data here.
    await tester.expect(
      {
        inputs: { artifacts: mlmodel('flavors: !!python/object/apply:os.system ["echo pwned"]\n') },
      },
      { findings: [{ rule: 'no-flavor' }] },
    );
    await tester.expect(
      { inputs: { artifacts: memoryArtifacts('x', { MLmodel: new Uint8Array([0, 1, 2]) }) } },
      { findings: [{ rule: 'unreadable-mlmodel', message: 'not text' }] },
    );
  });

  it('expects an MLmodel only in registered or logged models', async () => {
    const files = { 'weights.bin': 'x' };
    await tester.expect(
      { inputs: { artifacts: memoryArtifacts('runs:/r/', files) } },
      { status: 'skip', findings: [] },
    );
    const context = makeMlflowContext({
      trackingUri: 'http://x',
      uri: 'models:/m/1',
      modelVersion: { name: 'm', version: '1' },
    });
    await tester.expect(
      { inputs: { artifacts: memoryArtifacts('models:/m/1', files, { mlflow: context }) } },
      { findings: [{ rule: 'no-mlmodel', message: 'hold no MLmodel' }] },
    );
  });
});
