/**
 * Prints mlwarden's verdict for each corpus file as JSON ({path: {verdict, maxSeverity}}), for
 * scripts/artifacts-compare.
 */
import { scanFile } from '../src/index.js';

const out: Record<string, { verdict: string; maxSeverity: string | null }> = {};
for (const path of process.argv.slice(2)) {
  const r = await scanFile(path);
  out[path] = { verdict: r.verdict, maxSeverity: r.maxSeverity };
}
process.stdout.write(JSON.stringify(out));
