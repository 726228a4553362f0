import { createHash } from 'node:crypto';
import type { Location } from './finding.js';

/**
 * Stable fingerprint of a finding: a hash of the rule, the place (file, member, resource, field,
 * column) and the check's discriminating key. Offsets, rows and messages are left out because they
 * move when unrelated content changes.
 */
export function fingerprint(ruleId: string, location: Location | undefined, key = ''): string {
  const parts = [
    ruleId,
    location?.uri ?? '',
    location?.member ?? '',
    location?.resource ?? '',
    location?.field ?? '',
    location?.column ?? '',
    key,
  ];
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}
