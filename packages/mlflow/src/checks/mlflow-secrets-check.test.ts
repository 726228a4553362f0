import type { RunInfo } from '@mlwarden/core';
import { CheckTester } from '@mlwarden/core/testing';
import { describe, expect, it } from 'vitest';
import { memoryArtifacts } from '../../test/support/memory-artifacts.js';
import { recordedRun } from '../../test/support/recorded.js';
import { toRunInfo } from '../adapter/to-run-info.js';
import { mlflowSecretsCheck } from './mlflow-secrets-check.js';

const tester = new CheckTester(mlflowSecretsCheck);
const run = (params: Record<string, string>, tags: Record<string, string> = {}): RunInfo => ({
  source: 'mlflow-run:r1',
  id: 'r1',
  params,
  tags,
});
// Fake credentials in real formats, assembled so that no scanner mistakes this file for a leak.
const AWS_KEY = `AKIA${'MLWARDENFAKE0001'}`;
const GH_TOKEN = `ghp_${'mlwardenfake'.repeat(3)}`;

describe('mlflow.secrets on recorded runs', () => {
  it('finds the fake AWS key in the params of the tampered run, masked', async () => {
    const result = await tester.expect(
      { inputs: { run: toRunInfo(recordedRun('run-tampered.json')) } },
      {
        status: 'fail',
        findings: [
          {
            rule: 'credential-format',
            severity: 'high',
            message: 'param "aws_access_key_id" of mlflow-run:',
            location: { field: 'params.aws_access_key_id' },
          },
        ],
      },
    );
    expect(result.findings[0]?.evidence).toEqual({
      kind: 'aws-access-key-id',
      masked: 'AKIA…',
      length: 20,
    });
    expect(JSON.stringify(result)).not.toContain(AWS_KEY);
  });

  it('passes the clean run and a run with 3,000 params', async () => {
    await tester.expect(
      { inputs: { run: toRunInfo(recordedRun('run-clean.json')) } },
      { status: 'pass', findings: [] },
    );
    await tester.expect(
      { inputs: { run: toRunInfo(recordedRun('run-many-params.json')) } },
      { status: 'pass', findings: [], metrics: { params: 3000 } },
    );
  });
});

describe('mlflow.secrets on params, tags and text artifacts', () => {
  it('tells credential-named values from ordinary settings', async () => {
    const result = await tester.expect(
      {
        inputs: {
          run: run(
            {
              db_password: 'Tr0ub4dor-and-3',
              openaiApiKey: 'k9f8d7s6a5q4w3e2',
              max_tokens: '4096',
              tokenizer: 'bert-base-uncased',
              password: '***',
              secret_key: ['$', '{SECRET_KEY}'].join(''), // a ${VAR} placeholder
              use_auth_token: 'true',
            },
            { 'mlflow.source.git.commit': '0123456789abcdef0123456789abcdef01234567' },
          ),
        },
      },
      {
        findings: [
          { rule: 'credential-key', severity: 'medium', location: { field: 'params.db_password' } },
          { rule: 'credential-key', location: { field: 'params.openaiApiKey' } },
        ],
      },
    );
    expect(result.findings[0]?.evidence).toEqual({ masked: '…', length: 15 });
    expect(JSON.stringify(result)).not.toContain('Tr0ub4dor');
  });

  it('finds credentials in tags and URLs, and honours ignoreKeys', async () => {
    await tester.expect(
      {
        inputs: {
          run: run(
            {
              db_url: 'postgresql://ml:Sup3rS3cretPw@db.internal:5432/features',
              api_token: 'abcdefgh12345678',
            },
            { deploy: `-----BEGIN RSA PRIVATE KEY-----\nMIIE...` },
          ),
        },
        options: { ignoreKeys: ['api_token'] },
      },
      {
        findings: [
          { rule: 'credential-format', severity: 'high', message: 'a password in a URL (post…' },
          { rule: 'credential-format', severity: 'critical', location: { field: 'tags.deploy' } },
        ],
      },
    );
  });

  it('scans small text artifacts line by line and skips binaries', async () => {
    const artifacts = memoryArtifacts('runs:/r1/', {
      'config/notes.txt': `deploy notes\ntoken: ${GH_TOKEN}\n`,
      'config/settings.ini': '[db]\nhost = db\npassword = "hunter2-is-weak"\n',
      'model/model.pkl': `\u0080\u0004${AWS_KEY}`,
      'data/blob.dat': new Uint8Array([0, 65, 75, 73, 65]),
    });
    const result = await tester.expect(
      { inputs: { run: run({}), artifacts } },
      {
        findings: [
          {
            rule: 'credential-format',
            message: 'config/notes.txt line 2 holds a GitHub token (ghp_…',
            location: { uri: 'runs:/r1/', member: 'config/notes.txt', line: 2 },
          },
          { rule: 'credential-key', location: { member: 'config/settings.ini', line: 3 } },
        ],
        metrics: { textFiles: 2, secrets: 2 },
      },
    );
    expect(JSON.stringify(result)).not.toContain(GH_TOKEN);
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });

  it('is incomplete when the text budget runs out, and skips files over maxFileBytes', async () => {
    const artifacts = memoryArtifacts('runs:/r1/', {
      'a.txt': 'x'.repeat(600),
      'b.txt': 'y'.repeat(600),
      'huge.log': `${'z'.repeat(5000)}\n${AWS_KEY}`,
    });
    const result = await tester.run({
      inputs: { run: run({}), artifacts },
      options: { maxTotalBytes: 1000, maxFileBytes: 4000 },
    });
    expect(result.status).toBe('incomplete');
    expect(result.incomplete?.[0]).toMatch(/maxTotalBytes/);
    expect(result.findings).toEqual([]);
  });

  it('keeps fingerprints stable when a secret moves to another line', async () => {
    const at = async (text: string) =>
      (
        await tester.run({
          inputs: { run: run({}), artifacts: memoryArtifacts('s', { 'n.txt': text }) },
        })
      ).findings[0]?.fingerprint;
    expect(await at(`${GH_TOKEN}\n`)).toBe(await at(`intro\n\n${GH_TOKEN}\n`));
  });
});
