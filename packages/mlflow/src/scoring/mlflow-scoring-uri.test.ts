import { ConfigError } from '@mlwarden/core';
import { describe, expect, it } from 'vitest';
import { createMlflowScoringTarget } from './create-mlflow-scoring-target.js';
import { isMlflowScoringUri, parseMlflowScoringUri } from './mlflow-scoring-uri.js';

describe('MLflow scoring URIs', () => {
  it('recognises mlflow+http(s) only', () => {
    expect(isMlflowScoringUri('mlflow+http://127.0.0.1:5000')).toBe(true);
    expect(isMlflowScoringUri('MLFLOW+HTTPS://scoring.example/prefix')).toBe(true);
    expect(isMlflowScoringUri('http://127.0.0.1:5000')).toBe(false);
    expect(isMlflowScoringUri('models:/iris/1')).toBe(false);
    expect(isMlflowScoringUri('oip+http://127.0.0.1:8080/v2/models/iris')).toBe(false);
  });

  it('parses the URL and the target options', () => {
    const options = parseMlflowScoringUri(
      'mlflow+https://scoring.example:8443/iris/?columns=a,b, c&classes=x,y&output=probabilities&batch=64&budget=1000&timeout=5000&retries=1&format=dataframe_split&label-field=species&probability-fields=p_x,p_y',
      {},
    );
    expect(options).toEqual({
      url: 'https://scoring.example:8443/iris',
      inputColumns: ['a', 'b', 'c'],
      classes: ['x', 'y'],
      output: 'probabilities',
      maxBatchRows: 64,
      budget: 1000,
      timeoutMs: 5000,
      retries: 1,
      format: 'dataframe_split',
      labelField: 'species',
      probabilityFields: ['p_x', 'p_y'],
    });
  });

  it('takes credentials from the environment, never from the URI', () => {
    expect(
      parseMlflowScoringUri('mlflow+http://h:1?features=4', {
        MLWARDEN_MLFLOW_SCORING_TOKEN: 't0ken',
      }).auth,
    ).toEqual({ type: 'bearer', token: 't0ken' });
    expect(
      parseMlflowScoringUri('mlflow+http://h:1?features=4', {
        MLWARDEN_MLFLOW_SCORING_USERNAME: 'u',
        MLWARDEN_MLFLOW_SCORING_PASSWORD: 'p',
      }).auth,
    ).toEqual({ type: 'basic', username: 'u', password: 'p' });
    expect(() => parseMlflowScoringUri('mlflow+http://u:secret@h:1', {})).toThrow(
      /contains credentials/,
    );
  });

  it('names unknown parameters and bad values', () => {
    expect(() => parseMlflowScoringUri('mlflow+http://h:1?colums=a', {})).toThrow(
      /unknown MLflow scoring URI parameter "colums"/,
    );
    expect(() => parseMlflowScoringUri('mlflow+http://h:1?budget=-1', {})).toThrow(
      /budget=-1 must be an integer >= 0/,
    );
    expect(() => parseMlflowScoringUri('mlflow+http://h:1?output=scores', {})).toThrow(
      /output=scores is not one of auto, labels, probabilities/,
    );
  });
});

describe('createMlflowScoringTarget settings', () => {
  it('needs the input columns or the row width', () => {
    expect(() => createMlflowScoringTarget({ url: 'http://h:1' })).toThrow(ConfigError);
    expect(() =>
      createMlflowScoringTarget({ url: 'http://h:1', inputColumns: ['a', 'b'], features: 3 }),
    ).toThrow(/features is 3 but 2 inputColumns/);
    expect(() =>
      createMlflowScoringTarget({ url: 'http://h:1', features: 2, format: 'dataframe_split' }),
    ).toThrow(/needs inputColumns/);
  });

  it('describes its inputs and sends nothing until used', () => {
    const named = createMlflowScoringTarget({ url: 'http://h:1/', inputColumns: ['a', 'b'] });
    expect(named.inputSpec).toEqual({
      features: [
        { name: 'a', dtype: 'float64' },
        { name: 'b', dtype: 'float64' },
      ],
    });
    expect(named.url).toBe('http://h:1');
    expect(named.stats.requests).toBe(0);
    const plain = createMlflowScoringTarget({ url: 'http://h:1', features: 3, budget: 10 });
    expect(plain.inputSpec).toEqual({ shape: [3], dtype: 'float64' });
    expect(plain.queries).toEqual({ used: 0, budget: 10 });
  });

  it('refuses non-http URLs and bad limits', () => {
    expect(() => createMlflowScoringTarget({ url: 'file:///tmp', features: 1 })).toThrow(
      /must use http or https, not file:/,
    );
    expect(() => createMlflowScoringTarget({ url: 'http://u:pw@h:1', features: 1 })).toThrow(
      /contains credentials/,
    );
    expect(() => createMlflowScoringTarget({ url: 'not a url', features: 1 })).toThrow(
      /is not a URL/,
    );
    expect(() =>
      createMlflowScoringTarget({ url: 'http://h:1', features: 1, maxBatchRows: 0 }),
    ).toThrow(/maxBatchRows must be an integer >= 1/);
  });
});
