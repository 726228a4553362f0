/** Threat taxonomy ids a check maps to: MITRE ATLAS techniques and OWASP Machine Learning Top 10. */
export interface Taxonomy {
  /** MITRE ATLAS technique ids, e.g. `AML.T0020` or `AML.T0043.000`. */
  atlas?: string[];
  /** OWASP ML Top 10 (2023) ids, e.g. `ML02`. */
  owasp?: string[];
}

export interface TaxonomyEntry {
  id: string;
  name: string;
  url: string;
}

const OWASP_NAMES: Record<string, string> = {
  ML01: 'Input Manipulation Attack',
  ML02: 'Data Poisoning Attack',
  ML03: 'Model Inversion Attack',
  ML04: 'Membership Inference Attack',
  ML05: 'Model Theft',
  ML06: 'AI Supply Chain Attacks',
  ML07: 'Transfer Learning Attack',
  ML08: 'Model Skewing',
  ML09: 'Output Integrity Attack',
  ML10: 'Model Poisoning',
};

const ATLAS_NAMES: Record<string, string> = {
  'AML.T0005': 'Create Proxy AI Model',
  'AML.T0010': 'AI Supply Chain Compromise',
  'AML.T0010.001': 'AI Supply Chain Compromise: AI Software',
  'AML.T0010.002': 'AI Supply Chain Compromise: Data',
  'AML.T0010.003': 'AI Supply Chain Compromise: Model',
  'AML.T0010.004': 'AI Supply Chain Compromise: Container Registry',
  'AML.T0011': 'User Execution',
  'AML.T0011.000': 'User Execution: Unsafe AI Artifacts',
  'AML.T0012': 'Valid Accounts',
  'AML.T0015': 'Evade AI Model',
  'AML.T0018': 'Manipulate AI Model',
  'AML.T0018.000': 'Manipulate AI Model: Poison AI Model',
  'AML.T0018.002': 'Manipulate AI Model: Embed Malware',
  'AML.T0019': 'Publish Poisoned Datasets',
  'AML.T0020': 'Poison Training Data',
  'AML.T0024': 'Exfiltration via AI Inference API',
  'AML.T0024.000': 'Exfiltration via AI Inference API: Infer Training Data Membership',
  'AML.T0024.001': 'Exfiltration via AI Inference API: Invert AI Model',
  'AML.T0024.002': 'Exfiltration via AI Inference API: Extract AI Model',
  'AML.T0029': 'Denial of AI Service',
  'AML.T0031': 'Erode AI Model Integrity',
  'AML.T0034': 'Cost Harvesting',
  'AML.T0040': 'AI Model Inference API Access',
  'AML.T0043': 'Craft Adversarial Data',
  'AML.T0043.000': 'Craft Adversarial Data: White-Box Optimization',
  'AML.T0043.001': 'Craft Adversarial Data: Black-Box Optimization',
  'AML.T0043.004': 'Craft Adversarial Data: Insert Backdoor Trigger',
  'AML.T0044': 'Full AI Model Access',
  'AML.T0046': 'Spamming AI System with Chaff Data',
  'AML.T0048.004': 'AI Intellectual Property Theft',
  'AML.T0049': 'Exploit Public-Facing Application',
  'AML.T0057': 'LLM Data Leakage',
  'AML.T0058': 'Publish Poisoned Models',
  'AML.T0059': 'Erode Dataset Integrity',
  'AML.T0063': 'Discover AI Model Outputs',
  'AML.T0076': 'Corrupt AI Model',
};

const OWASP_BASE = 'https://owasp.org/www-project-machine-learning-security-top-10/docs/';

/** Name and reference URL of a taxonomy id; unknown ids still get a URL and their id as name. */
export function describeTaxonomyId(id: string): TaxonomyEntry {
  const owasp = OWASP_NAMES[id];
  if (owasp !== undefined) {
    return { id, name: owasp, url: `${OWASP_BASE}${id}_2023-${owasp.replaceAll(' ', '_')}` };
  }
  return { id, name: ATLAS_NAMES[id] ?? id, url: `https://atlas.mitre.org/techniques/${id}` };
}

const ATLAS_ID = /^AML\.T\d{4}(\.\d{3})?$/;
const OWASP_ID = /^ML(0[1-9]|10)$/;

/** Problems with a taxonomy (ids of the wrong form), as messages; empty when valid. */
export function taxonomyProblems(taxonomy: Taxonomy): string[] {
  const problems: string[] = [];
  for (const id of taxonomy.atlas ?? []) {
    if (!ATLAS_ID.test(id)) problems.push(`ATLAS id "${id}" is not of the form AML.T0000[.000]`);
  }
  for (const id of taxonomy.owasp ?? []) {
    if (!OWASP_ID.test(id)) problems.push(`OWASP ML Top 10 id "${id}" is not one of ML01…ML10`);
  }
  return problems;
}

/** Union of taxonomies, order kept, duplicates dropped. */
export function mergeTaxonomy(a: Taxonomy, b: Taxonomy | undefined): Taxonomy {
  if (b === undefined) return a;
  const atlas = [...new Set([...(a.atlas ?? []), ...(b.atlas ?? [])])];
  const owasp = [...new Set([...(a.owasp ?? []), ...(b.owasp ?? [])])];
  return { ...(atlas.length > 0 && { atlas }), ...(owasp.length > 0 && { owasp }) };
}
