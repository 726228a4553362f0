import type { CheckContext, FindingInput, RuleMeta } from '@mlwarden/core';

/**
 * `report(rule, finding)` that fills in the rule's documented severity and remediation, so the
 * values in `meta.rules` (docs, SARIF) and in findings cannot drift apart.
 */
export function ruleReporter<R extends string>(
  ctx: Pick<CheckContext, 'report'>,
  rules: Readonly<Record<R, RuleMeta>>,
): (rule: R, finding: Omit<FindingInput, 'rule'>) => void {
  return (rule, finding) => {
    const meta = rules[rule];
    ctx.report({
      ...(meta.severity !== undefined && { severity: meta.severity }),
      ...(meta.remediation !== undefined && { remediation: meta.remediation }),
      ...finding,
      rule,
    });
  };
}
