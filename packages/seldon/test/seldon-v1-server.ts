import type http from 'node:http';
import { type LocalServer, sendJson, startLocalServer } from './_local-server.js';

/**
 * A Seldon Core v1 model microservice for tests, emulating the Python wrapper (`seldon_core`,
 * `python/seldon_core/wrapper.py`, `utils.py` and `flask_utils.py` in SeldonIO/seldon-core) in
 * front of an SKLEARN_SERVER model whose method is `predict_proba` (the server's default):
 *
 * - `POST /api/v1.0/predictions` (and `/predict`) takes a SeldonMessage; `data.tensor` is
 *   reshaped from `values` and `shape`, `data.ndarray` taken as it is;
 * - the answer uses the request's form (tensor in, tensor out; ndarray in, ndarray out), names the
 *   columns `t:0`, `t:1`, … and adds `meta.requestPath` with the unit's image;
 * - a message without `data`/`jsonData`/`strData`/`binData` raises SeldonMicroserviceException:
 *   HTTP 400 with `{"status": {"status": 1, "info": …, "code": -1, "reason": "MICROSERVICE_BAD_DATA"}}`;
 * - a body that is not JSON is rejected by Flask with an HTML 400 page;
 * - numpy and scikit-learn errors (reshape mismatch, ragged arrays, strings, wrong feature count,
 *   NaN or infinite values — Python's json accepts NaN and Infinity literals and parses 1e309 as
 *   inf) are not SeldonMicroserviceExceptions, so Flask answers its generic HTML 500 page.
 *
 * The model is multinomial logistic regression: softmax(x · coefᵀ + intercept), the same formula
 * scikit-learn's LogisticRegression.predict_proba evaluates.
 */
export async function startSeldonV1Server(
  model: { coef: number[][]; intercept: number[] },
  options: { token?: string } = {},
): Promise<LocalServer> {
  const width = model.coef[0]?.length ?? 0;
  const classes = model.coef.length;

  const predictProba = (rows: unknown[][]): number[][] => {
    return rows.map((row) => {
      if (row.length !== width)
        throw new Error(`X has ${row.length} features, but model expects ${width}`);
      const x = row.map((v) => {
        if (typeof v !== 'number') throw new Error('could not convert string to float');
        if (!Number.isFinite(v)) throw new Error('Input X contains NaN or infinity');
        return v;
      });
      const z = model.coef.map((w, k) =>
        w.reduce((s, wi, i) => s + wi * (x[i] as number), model.intercept[k] as number),
      );
      const max = Math.max(...z);
      const e = z.map((v) => Math.exp(v - max));
      const sum = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / sum);
    });
  };

  const parsePythonJson = (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch (error) {
      // Python's json module also accepts NaN, Infinity and -Infinity.
      const tolerant = text.replace(/(?<![\w"])-?(NaN|Infinity)(?![\w"])/g, '"__nonfinite__"');
      if (tolerant === text) throw error;
      return JSON.parse(tolerant, (_k, v) => (v === '__nonfinite__' ? Number.NaN : v));
    }
  };

  const html = (res: http.ServerResponse, status: number, title: string) => {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      `<!doctype html>\n<html lang=en>\n<title>${title}</title>\n<h1>${title.replace(/^\d+ /, '')}</h1>\n`,
    );
  };

  return startLocalServer((req, res) => {
    if (options.token && req.headers.authorization !== `Bearer ${options.token}`) {
      sendJson(res, 401, {
        status: { status: 1, info: 'unauthorized', code: 401, reason: 'UNAUTHORIZED' },
      });
      return;
    }
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'POST' || (path !== '/api/v1.0/predictions' && path !== '/predict')) {
      html(res, 404, '404 Not Found');
      return;
    }
    let message: Record<string, unknown>;
    try {
      message = parsePythonJson(req.body) as Record<string, unknown>;
    } catch {
      html(res, 400, '400 Bad Request');
      return;
    }
    if (typeof message !== 'object' || message === null || !('data' in message)) {
      const known = ['jsonData', 'strData', 'binData'].some(
        (k) => message !== null && typeof message === 'object' && k in message,
      );
      if (!known) {
        sendJson(res, 400, {
          status: {
            status: 1,
            info: `Invalid request data type: ${JSON.stringify(message)}`,
            code: -1,
            reason: 'MICROSERVICE_BAD_DATA',
          },
        });
        return;
      }
    }
    try {
      const data = (message.data ?? {}) as {
        tensor?: { shape: number[]; values: unknown[] };
        ndarray?: unknown[];
      };
      let rows: unknown[][];
      let form: 'tensor' | 'ndarray';
      if (data.tensor) {
        const { shape, values } = data.tensor;
        const count = shape.reduce((a, b) => a * b, 1);
        if (shape.length !== 2 || count !== values.length)
          throw new Error(
            `cannot reshape array of size ${values.length} into shape (${shape.join(',')})`,
          );
        rows = Array.from({ length: shape[0] as number }, (_, r) =>
          values.slice(r * (shape[1] as number), (r + 1) * (shape[1] as number)),
        );
        form = 'tensor';
      } else if (Array.isArray(data.ndarray)) {
        rows = data.ndarray.map((r) => (Array.isArray(r) ? r : [r]));
        const w = rows[0]?.length;
        if (rows.some((r) => r.length !== w))
          throw new Error(
            'setting an array element with a sequence. The requested array has an inhomogeneous shape',
          );
        form = 'ndarray';
      } else {
        throw new Error('no data');
      }
      const proba = predictProba(rows);
      const names = Array.from({ length: classes }, (_, i) => `t:${i}`);
      const meta = { requestPath: { classifier: 'seldonio/sklearnserver:1.18.2' } };
      const out =
        form === 'tensor'
          ? { names, tensor: { shape: [proba.length, classes], values: proba.flat() } }
          : { names, ndarray: proba };
      sendJson(res, 200, { data: out, meta });
    } catch {
      html(res, 500, '500 Internal Server Error');
    }
  });
}
