export type { ExpectationFamily } from './expectation-family.js';
export { EXPECTATION_FAMILIES, expectationFamily, FAMILY_SEVERITY } from './expectation-family.js';
export type { SeverityChoice, SeveritySource } from './expectation-severity.js';
export { expectationSeverity } from './expectation-severity.js';
export type {
  ContractColumnLike,
  ContractColumnType,
  ContractExpectation,
  ContractRule,
  DataContractLike,
  ExportGxSuiteOptions,
  GxSuiteGeneration,
} from './export-gx-suite.js';
export {
  contractExpectations,
  exportGxSuite,
  exportGxSuiteJson,
  GX_TYPE_LISTS,
} from './export-gx-suite.js';
export type { GxAdapterOptions } from './gx-adapter.js';
export { createGxAdapter, gxAdapter } from './gx-adapter.js';
export { GX_PLUGIN_VERSION, gxPlugin } from './gx-plugin.js';
export type {
  GxDocumentShape,
  GxExpectationFailure,
  GxGeneration,
  GxMaskedSample,
  GxReadOptions,
  GxStatistics,
  GxSuiteRun,
} from './gx-types.js';
export { isGxSuiteRun } from './gx-types.js';
export type { GxValidationOptions } from './gx-validation-check.js';
export { GX_TOOL, gxValidationCheck, gxValidationOptions } from './gx-validation-check.js';
export type { ImportGxOptions } from './import-gx-results.js';
export { importGxResults } from './import-gx-results.js';
export type { MaskBounds, SanitizeOptions } from './mask-value.js';
export { maskValue, sanitizeJson, stringShape } from './mask-value.js';
export type { GxDocumentOrigin } from './parse-gx-results.js';
export { parseGxResults } from './parse-gx-results.js';
export { readGxFile } from './read-gx-file.js';
export type { GxTreeEntry, GxTreeOptions } from './read-gx-validations-tree.js';
export {
  findValidationsDir,
  latestRuns,
  listGxValidations,
  readGxValidationsTree,
} from './read-gx-validations-tree.js';
