import type { EndpointClient } from './endpoint-model-target.js';
import type { OipInferRequest, OipModelMetadata } from './oip-client.js';
import { encodeInput } from './oip-tensor.js';
import { SELDON_V1_PREDICTIONS_PATH } from './seldon-v1-client.js';

/** One request a probe sends: where, and the exact body bytes. */
export interface ProbeRequest {
  path: string;
  body: string;
}

/** A malformed-input probe: the request and which answers count as robust. */
export interface MalformedProbe {
  id: string;
  title: string;
  request: ProbeRequest;
  /** `4xx`: only a client error is robust; `2xx-or-4xx`: answering normally is fine too. */
  robust: '4xx' | '2xx-or-4xx';
}

/** The valid request every other probe is derived from. */
export interface ProbeSample {
  request: ProbeRequest;
  /** Feature count (width of the one input), when known. */
  features: number;
  /** OIP input name and datatype. */
  inputName: string;
  datatype: string;
}

function zeros(datatype: string, count: number): unknown[] {
  if (datatype === 'BOOL') return new Array(count).fill(false);
  if (datatype === 'BYTES') return new Array(count).fill('');
  return new Array(count).fill(0);
}

/** A valid one-row request from the model metadata, or from a feature count. */
export function buildSample(
  client: EndpointClient,
  metadata: OipModelMetadata | undefined,
  hint: { features?: number; inputName?: string; datatype?: string; sample?: OipInferRequest },
): ProbeSample | undefined {
  if (client.protocol === 'seldon-v1') {
    if (!hint.features) return undefined;
    const row = new Array(hint.features).fill(0.5);
    return {
      request: {
        path: SELDON_V1_PREDICTIONS_PATH,
        body: JSON.stringify({ data: { ndarray: [row] } }),
      },
      features: hint.features,
      inputName: '',
      datatype: 'FP64',
    };
  }
  const path = client.modelPath('/infer');
  if (hint.sample) {
    const first = hint.sample.inputs[0];
    const body = JSON.stringify({ ...hint.sample, inputs: hint.sample.inputs.map(encodeInput) });
    return {
      request: { path, body },
      features: first?.shape[first.shape.length - 1] ?? 1,
      inputName: first?.name ?? 'input-0',
      datatype: first?.datatype ?? 'FP32',
    };
  }
  const declared = metadata?.inputs ?? [];
  if (declared.length > 0) {
    const inputs = declared.map((i) => {
      const shape = i.shape.map((d) => (d < 0 ? 1 : d));
      const count = shape.reduce((a, b) => a * b, 1);
      return { name: i.name, shape, datatype: i.datatype, data: zeros(i.datatype, count) };
    });
    const first = declared[0];
    const width = first?.shape[first.shape.length - 1] ?? 1;
    return {
      request: { path, body: JSON.stringify({ inputs }) },
      features: width > 0 ? width : 1,
      inputName: first?.name ?? 'input-0',
      datatype: first?.datatype ?? 'FP32',
    };
  }
  if (!hint.features) return undefined;
  const inputName = hint.inputName ?? 'input-0';
  const datatype = hint.datatype ?? 'FP32';
  return {
    request: {
      path,
      body: JSON.stringify({
        inputs: [
          {
            name: inputName,
            shape: [1, hint.features],
            datatype,
            data: zeros(datatype, hint.features),
          },
        ],
      }),
    },
    features: hint.features,
    inputName,
    datatype,
  };
}

function oipBody(name: string, datatype: string, shape: number[], data: string): string {
  return `{"inputs":[{"name":${JSON.stringify(name)},"shape":${JSON.stringify(shape)},"datatype":"${datatype}","data":[${data}]}]}`;
}

function v1Tensor(shape: number[], data: string): string {
  return `{"data":{"tensor":{"shape":${JSON.stringify(shape)},"values":[${data}]}}}`;
}

/** The malformed-input probes for a client, in the order they are sent. */
export function malformedProbes(
  client: EndpointClient,
  sample: ProbeSample,
  hugeBytes: number,
): MalformedProbe[] {
  const d = sample.features;
  const nums = (count: number, value = '0.5') => new Array(count).fill(value).join(',');
  const path = sample.request.path;
  const body =
    client.protocol === 'seldon-v1'
      ? (shape: number[], data: string) => v1Tensor(shape, data)
      : (shape: number[], data: string, datatype = sample.datatype) =>
          oipBody(sample.inputName, datatype, shape, data);
  const hugeRows = Math.max(1, Math.floor(hugeBytes / (d * 4)));
  const probes: MalformedProbe[] = [
    {
      id: 'invalid-json',
      title: 'truncated JSON body',
      request: {
        path,
        body: sample.request.body.slice(0, Math.max(1, Math.floor(sample.request.body.length / 2))),
      },
      robust: '4xx',
    },
    {
      id: 'empty-request',
      title: 'empty JSON object, no inputs',
      request: { path, body: '{}' },
      robust: '4xx',
    },
    {
      id: 'shape-mismatch',
      title: 'data length does not match the declared shape',
      request: { path, body: body([1, d], nums(d + 1)) },
      robust: '4xx',
    },
    {
      id: 'wrong-feature-count',
      title: 'one feature too many',
      request: { path, body: body([1, d + 1], nums(d + 1)) },
      robust: '4xx',
    },
    {
      id: 'wrong-datatype',
      title: 'strings where numbers are expected',
      request: {
        path,
        body:
          client.protocol === 'seldon-v1'
            ? `{"data":{"ndarray":[[${nums(d, '"x"')}]]}}`
            : oipBody(sample.inputName, 'BYTES', [1, d], nums(d, '"x"')),
      },
      robust: '4xx',
    },
    {
      id: 'non-finite',
      title: 'NaN and Infinity literals',
      request: {
        path,
        body: body(
          [1, d],
          ['NaN', 'Infinity', '-Infinity', ...new Array(Math.max(0, d - 3)).fill('0')]
            .slice(0, Math.max(d, 1))
            .join(','),
        ),
      },
      robust: '4xx',
    },
    {
      id: 'overflow',
      title: 'numbers beyond float64 (1e309)',
      request: { path, body: body([1, d], nums(d, '1e309')) },
      robust: '4xx',
    },
    {
      id: 'huge-shape',
      title: 'shape claiming 2^31 rows',
      request: { path, body: body([2 ** 31, d], nums(d)) },
      robust: '4xx',
    },
    {
      id: 'huge-body',
      title: `a consistent ${hugeRows}-row tensor (~${Math.round(hugeBytes / 1024)} KiB)`,
      request: { path, body: body([hugeRows, d], nums(hugeRows * d, '0.25')) },
      robust: '2xx-or-4xx',
    },
  ];
  return probes;
}

const STACK_TRACE = [
  /Traceback \(most recent call last\)/,
  /File "[^"]+", line \d+/,
  /\bat [\w.$]+\([\w$]+\.(java|kt|scala):\d+\)/,
  /\n\s+at .+\(.+:\d+:\d+\)/,
  /goroutine \d+ \[/,
  /\bpanic: /,
];

/** First line of a stack trace in a body, if there is one. */
export function findStackTrace(body: string): string | undefined {
  for (const re of STACK_TRACE) {
    const m = re.exec(body);
    if (m) return m[0].trim().slice(0, 120);
  }
  return undefined;
}
