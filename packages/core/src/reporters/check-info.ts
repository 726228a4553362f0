import type { CheckMeta } from '../check.js';
import type { CheckInfo } from './reporter.js';

/** The part of a check's meta that reporters use (`ReporterOptions.checks`). */
export function checkInfo(meta: CheckMeta): CheckInfo {
  return {
    id: meta.id,
    title: meta.title,
    description: meta.description,
    category: meta.category,
    defaultSeverity: meta.defaultSeverity,
    taxonomy: meta.taxonomy,
    ...(meta.rules !== undefined && { rules: meta.rules }),
    ...(meta.docs !== undefined && { docs: meta.docs }),
  };
}
