import type { CheckInfo } from './reporter.js';

/** Home of the project; SARIF `tool.driver.informationUri`. */
export const TOOL_INFORMATION_URI = 'https://github.com/mlwarden/mlwarden';

/** Where relative documentation paths (`docs/checks/<id>.md`) are published. */
const DOCS_ROOT = `${TOOL_INFORMATION_URI}/blob/main/`;

const ABSOLUTE_URL = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * Absolute URL of a check's documentation: `meta.docs` when it is a URL, a repository path
 * resolved against the project's docs otherwise, and `docs/checks/<id>.md` when it has none.
 */
export function checkDocsUrl(check: Pick<CheckInfo, 'id' | 'docs'>): string {
  const docs = check.docs;
  if (docs !== undefined && ABSOLUTE_URL.test(docs)) return docs;
  const path = docs ?? `docs/checks/${check.id}.md`;
  return new URL(path.replace(/^\.?\//, ''), DOCS_ROOT).href;
}
