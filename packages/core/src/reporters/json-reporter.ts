import type { Reporter } from './reporter.js';

/** The report itself as pretty-printed JSON (two-space indent) followed by a newline. */
export const jsonReporter: Reporter = (report, out) => {
  out.write(`${JSON.stringify(report, null, 2)}\n`);
};
