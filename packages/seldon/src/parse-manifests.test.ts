import { describe, expect, it } from 'vitest';
import { ManifestError } from './manifest-error.js';
import { parseManifests } from './parse-manifests.js';

const text = `# two Seldon documents and two others
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
---
apiVersion: machinelearning.seldon.io/v1
kind: SeldonDeployment
metadata:
  name: iris
spec:
  predictors:
    - name: default
      graph:
        name: classifier
        modelUri: gs://bucket/iris
---
---
apiVersion: mlops.seldon.io/v1alpha1
kind: Model
metadata: {name: m, namespace: ns}
spec: {storageUri: "s3://b/m", requirements: [sklearn]}
`;

describe('parseManifests', () => {
  it('keeps Seldon documents with their index and notes the others', () => {
    const { manifests, notes } = parseManifests(text, 'deploy.yaml');
    expect(manifests.map((m) => [m.index, m.kind])).toEqual([
      [1, 'SeldonDeployment'],
      [3, 'Model'],
    ]);
    expect(notes).toEqual([
      'deploy.yaml document 0: v1/ConfigMap "settings" is not a Seldon resource; ignored',
    ]);
  });

  it('knows the line and column of every node, keys and list items alike', () => {
    const [sdep, model] = parseManifests(text, 'deploy.yaml').manifests;
    expect(sdep?.positionOf?.(['spec', 'predictors', 0, 'graph', 'modelUri'])).toEqual({
      line: 16,
      column: 9,
    });
    expect(sdep?.positionOf?.(['spec', 'predictors', 0])).toEqual({ line: 13, column: 7 });
    expect(sdep?.positionOf?.(['spec', 'predictors', 0, 'replicas'])).toBeUndefined();
    expect(model?.positionOf?.(['spec', 'requirements', 0])).toEqual({ line: 22, column: 47 });
  });

  it('rejects an alias bomb with a typed error before expanding it', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      lines.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${new Array(9).fill(`*${prev}`).join(',')}]`,
      );
    }
    const bomb = `apiVersion: mlops.seldon.io/v1alpha1\nkind: Model\n${lines.join('\n')}\n`;
    let error: unknown;
    try {
      parseManifests(bomb, 'bomb.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ManifestError);
    expect(error).toMatchObject({ code: 'MLW_SELDON_YAML_ALIAS_LIMIT', source: 'bomb.yaml' });
  });

  it('allows a few ordinary aliases', () => {
    const yaml = `apiVersion: mlops.seldon.io/v1alpha1
kind: Model
metadata: {name: m}
spec:
  storageUri: &uri s3://b/m
  parameters:
    - {name: uri, value: *uri}
`;
    const [m] = parseManifests(yaml, 'm.yaml').manifests;
    expect(
      (m?.document as { spec: { parameters: Array<{ value: string }> } } | undefined)?.spec
        .parameters[0]?.value,
    ).toBe('s3://b/m');
  });

  it('reports invalid YAML with its line', () => {
    expect(() =>
      parseManifests('apiVersion: v1\nkind: [unclosed\nmetadata: {}\n', 'bad.yaml'),
    ).toThrow(expect.objectContaining({ code: 'MLW_SELDON_YAML_INVALID', source: 'bad.yaml' }));
    expect(() => parseManifests('a: 1\na: 2\n', 'dup.yaml')).toThrow(
      /dup\.yaml:\d+ \(document 0\) is not valid YAML/,
    );
  });

  it('enforces size limits', () => {
    expect(() => parseManifests('a: 1\n', 'x.yaml', { maxBytes: 2 })).toThrow(
      expect.objectContaining({ code: 'MLW_SELDON_MANIFEST_TOO_LARGE' }),
    );
    expect(() => parseManifests('a: 1\n---\nb: 2\n', 'x.yaml', { maxDocuments: 1 })).toThrow(
      /2 YAML documents/,
    );
  });

  it('does not resolve custom tags into code or objects', () => {
    const { manifests } = parseManifests(
      'apiVersion: mlops.seldon.io/v1alpha1\nkind: Model\nmetadata: {name: m}\nspec: {storageUri: !!js/function "function(){}"}\n',
      't.yaml',
    );
    expect(
      typeof (manifests[0]?.document as { spec: { storageUri: unknown } } | undefined)?.spec
        .storageUri,
    ).toBe('string');
  });
});
