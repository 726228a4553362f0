import { readFile } from 'node:fs/promises';
import { inject } from 'vitest';

export type ScoringModel = 'labels' | 'proba' | 'records';

/** What train_scoring_models.py wrote: test rows and scikit-learn's own answers for them. */
export interface ScoringExpected {
  mlflow_version: string;
  columns: string[];
  /** 40 rows, float32-representable. */
  rows: number[][];
  /** `predict` of the integer-labelled model. */
  labels: number[];
  /** `predict_proba` of the same model. */
  probabilities: number[][];
  /** Class names of the string-labelled model behind the `records` server, in `classes_` order. */
  class_names: string[];
  named_labels: string[];
  named_probabilities: number[][];
}

export interface ScoringTestEnv {
  /** One `mlflow models serve` per model; `log` holds its uvicorn access log. */
  servers: Record<ScoringModel, { uri: string; log: string }>;
  expected: ScoringExpected;
  /** A URL where nothing listens. */
  closedUri: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    mlflowScoring: ScoringTestEnv;
  }
}

export function scoringEnv(): ScoringTestEnv {
  return inject('mlflowScoring');
}

/**
 * Counts `POST /invocations` lines the server logged for the requests made by `body`. Brackets
 * it with two `GET /version?mark=<id>` requests: the server logs in order, so the second mark's
 * line proves every earlier request is already in the log.
 */
export async function serverInvocations<T>(
  server: { uri: string; log: string },
  body: () => Promise<T>,
): Promise<{ value: T; received: number }> {
  const id = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  const mark = async (which: string) => {
    const response = await fetch(`${server.uri}/version?mark=${which}-${id}`);
    await response.body?.cancel();
  };
  await mark('start');
  const value = await body();
  await mark('end');
  for (let i = 0; i < 200; i++) {
    const log = await readFile(server.log, 'utf8');
    const start = log.indexOf(`mark=start-${id}`);
    const end = log.indexOf(`mark=end-${id}`);
    if (start >= 0 && end > start) {
      return {
        value,
        received: log.slice(start, end).split('"POST /invocations HTTP/1.1"').length - 1,
      };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the marks never appeared in ${server.log}`);
}
