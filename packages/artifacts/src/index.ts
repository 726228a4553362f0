export type { ArtifactIntegrityOptions } from './artifact-integrity-check.js';
export { artifactIntegrityCheck, artifactIntegrityOptions } from './artifact-integrity-check.js';
export { artifactScanCheck } from './artifact-scan-check.js';
export type { ArtifactScanOptions } from './artifact-scan-options.js';
export { artifactScanOptions } from './artifact-scan-options.js';
export { artifactsPlugin } from './artifacts-plugin.js';
export type {
  ClassifyOptions,
  DangerCategory,
  ImportClassification,
  ImportVerdict,
} from './classify/classify-import.js';
export { classifyImport, normalisePath } from './classify/classify-import.js';
export { compressedFormat } from './formats/compressed-format.js';
export { defaultHandlers } from './formats/default-handlers.js';
export type { FormatHandler, Sniff } from './formats/format-handler.js';
export { ggufFormat, templateRisks } from './formats/gguf-format.js';
export { hdf5Format } from './formats/hdf5-format.js';
export { kerasConfigFormat } from './formats/keras-config-format.js';
export { kerasMetadataFormat } from './formats/keras-metadata-format.js';
export { mlmodelFormat } from './formats/mlmodel-format.js';
export { npyFormat } from './formats/npy-format.js';
export { onnxFormat } from './formats/onnx-format.js';
export { pickleFormat } from './formats/pickle-format.js';
export { safetensorsFormat } from './formats/safetensors-format.js';
export { seldonSettingsFormat } from './formats/seldon-settings-format.js';
export { sevenZipFormat } from './formats/seven-zip-format.js';
export { tarFormat } from './formats/tar-format.js';
export { tfSavedModelFormat } from './formats/tf-savedmodel-format.js';
export { zipFormat } from './formats/zip-format.js';
export type {
  ManifestDiff,
  ManifestOptions,
  ModelManifest,
} from './integrity/model-manifest.js';
export {
  createManifest,
  DEFAULT_MANIFEST_IGNORE,
  directoryDigest,
  MODEL_MANIFEST_SCHEMA,
  parseManifest,
  verifyManifest,
} from './integrity/model-manifest.js';
export type {
  SignatureOptions,
  SignatureVerification,
} from './integrity/verify-model-signature.js';
export { verifyModelSignature } from './integrity/verify-model-signature.js';
export type { LocalArtifactFile } from './local-artifact-set.js';
export { localArtifactSet } from './local-artifact-set.js';
export type { DisassembledOp, DisassembledStream, GenopsArg } from './pickle/disassemble.js';
export { disassemble } from './pickle/disassemble.js';
export type { ScanLimits } from './scan/limits.js';
export { DEFAULT_LIMITS, resolveLimits } from './scan/limits.js';
export { memoryArtifactFile } from './scan/memory-artifact-file.js';
export { ScanContext } from './scan/scan-context.js';
export type { ScanOptions } from './scan/scan-file.js';
export { localArtifactFile, scanArtifactFile, scanFile } from './scan/scan-file.js';
export { scanPaths } from './scan/scan-paths.js';
export type { PoolScanOptions, ScanPool } from './scan/scan-pool.js';
export { createScanPool } from './scan/scan-pool.js';
export type {
  ArtifactFinding,
  ArtifactRule,
  FileVerdict,
  FileVerdictKind,
  ScanResult,
} from './scan/scan-result.js';
export type { ScanUnit } from './scan/scan-unit.js';
export type { Source } from './scan/source.js';
export {
  HEAD_BYTES,
  sourceFromBytes,
  sourceFromReader,
  sourceFromStreamFactory,
} from './scan/source.js';
export { VERSION } from './version.js';
