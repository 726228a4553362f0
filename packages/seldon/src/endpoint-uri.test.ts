import { describe, expect, it } from 'vitest';
import { isEndpointUri, parseEndpointUri } from './endpoint-uri.js';

describe('parseEndpointUri', () => {
  it('parses an OIP model URI with a path prefix, version and limits', () => {
    const parsed = parseEndpointUri(
      'oip+https://ml.example.com/prefix/v2/models/iris/versions/3?budget=100&timeout=5000&concurrency=2&rate=10',
      {},
    );
    expect(parsed).toMatchObject({
      protocol: 'oip',
      model: 'iris',
      version: '3',
      settings: {
        url: 'https://ml.example.com/prefix',
        budget: 100,
        timeoutMs: 5000,
        concurrency: 2,
        ratePerSecond: 10,
      },
    });
    expect(parsed.settings.seldonModel).toBeUndefined();
  });

  it('adds the Seldon Core v2 routing header, overridable for pipelines', () => {
    expect(
      parseEndpointUri('seldon+http://mesh:9000/v2/models/iris', {}).settings.seldonModel,
    ).toBe('iris');
    expect(
      parseEndpointUri('seldon+http://mesh/v2/models/flow?seldon-model=flow.pipeline', {}).settings
        .seldonModel,
    ).toBe('flow.pipeline');
  });

  it('parses a Seldon v1 deployment URI with or without the predictions path', () => {
    const a = parseEndpointUri(
      'seldon-v1+http://gw/seldon/ns/iris/api/v1.0/predictions?features=4&classes=a,b,c',
      {},
    );
    const b = parseEndpointUri('seldon-v1+http://gw/seldon/ns/iris', {});
    expect(a.settings.url).toBe('http://gw/seldon/ns/iris');
    expect(b.settings.url).toBe('http://gw/seldon/ns/iris');
    expect(a.target).toEqual({ features: 4, classes: ['a', 'b', 'c'] });
  });

  it('takes credentials from the environment only', () => {
    expect(
      parseEndpointUri('oip+http://h/v2/models/m', { MLWARDEN_SELDON_TOKEN: 'tok-123456' }).settings
        .auth,
    ).toEqual({ type: 'bearer', token: 'tok-123456' });
    expect(
      parseEndpointUri('oip+http://h/v2/models/m', {
        MLWARDEN_SELDON_USERNAME: 'u',
        MLWARDEN_SELDON_PASSWORD: 'p',
      }).settings.auth,
    ).toEqual({ type: 'basic', username: 'u', password: 'p' });
    expect(() =>
      parseEndpointUri('oip+http://h/v2/models/m', { MLWARDEN_SELDON_USERNAME: 'u' }),
    ).toThrow(/both/);
    const err = (() => {
      try {
        parseEndpointUri('oip+http://admin:hunter22@h/v2/models/m', {});
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err?.message).toMatch(/contains credentials/);
    expect(err?.message).not.toContain('hunter22');
  });

  it('names unknown parameters and malformed paths', () => {
    expect(() => parseEndpointUri('oip+http://h/v2/models/m?token=x', {})).toThrow(
      /"token" is not known/,
    );
    expect(() => parseEndpointUri('oip+http://h/models/m', {})).toThrow(/does not name a model/);
    expect(() => parseEndpointUri('oip+http://h/v2/models/m?budget=-1', {})).toThrow(/budget=-1/);
    expect(() => parseEndpointUri('http://h/v2/models/m', {})).toThrow(/not an endpoint URI/);
  });

  it('recognises its schemes', () => {
    expect(isEndpointUri('oip+http://h/v2/models/m')).toBe(true);
    expect(isEndpointUri('SELDON-V1+HTTPS://h')).toBe(true);
    expect(isEndpointUri('models:/fraud/3')).toBe(false);
    expect(isEndpointUri('./deploy.yaml')).toBe(false);
  });
});
