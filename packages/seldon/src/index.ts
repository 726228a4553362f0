export type { AuditOptions, ManifestFinding } from './audit-manifests.js';
export { auditManifests } from './audit-manifests.js';
export type { EndpointErrorKind, EndpointErrorOptions } from './endpoint-error.js';
export { EndpointError } from './endpoint-error.js';
export type { EndpointClient, EndpointModelTarget } from './endpoint-model-target.js';
export { endpointOf } from './endpoint-model-target.js';
export type {
  EndpointAuth,
  EndpointSettings,
  EndpointTransport,
  HttpResponse,
  RequestKind,
  RequestStats,
  TlsOptions,
  TransportRequest,
} from './endpoint-transport.js';
export { createTransport } from './endpoint-transport.js';
export type { EndpointProtocol, ParsedEndpointUri } from './endpoint-uri.js';
export {
  ENDPOINT_ENV,
  ENDPOINT_URI_PARAMS,
  isEndpointUri,
  loadEndpointTls,
  parseEndpointUri,
} from './endpoint-uri.js';
export type { LoadManifestsOptions } from './load-manifests.js';
export { loadManifests } from './load-manifests.js';
export { ManifestError } from './manifest-error.js';
export type { ManifestRuleMeta, ManifestRuleName } from './manifest-rules.js';
export { MANIFEST_RULES } from './manifest-rules.js';
export type {
  OipClient,
  OipClientSettings,
  OipInferRequest,
  OipInferResponse,
  OipModelMetadata,
  OipRequestedOutput,
  OipServerMetadata,
  OipTensorMetadata,
} from './oip-client.js';
export { createOipClient, wrapOip } from './oip-client.js';
export type { OipTargetOptions } from './oip-model-target.js';
export { connectOipModelTarget, createOipModelTarget } from './oip-model-target.js';
export type {
  OipDatatype,
  OipElement,
  OipInputTensor,
  OipOutputTensor,
  OipParameters,
} from './oip-tensor.js';
export { OIP_DATATYPES } from './oip-tensor.js';
export type { OpenEndpointOptions } from './open-endpoint.js';
export { openEndpointClient, openEndpointTarget } from './open-endpoint.js';
export type { ManifestPath, ParsedManifests, ParseManifestsOptions } from './parse-manifests.js';
export { parseManifests } from './parse-manifests.js';
export type {
  ProbeFinding,
  ProbeOptions,
  ProbeOutcome,
  ProbeReport,
  ProbeResult,
  ProbeRule,
} from './probe-endpoint.js';
export { probeEndpoint } from './probe-endpoint.js';
export type { QueryGate, QueryGateOptions, QueryPermit } from './query-gate.js';
export { createQueryGate } from './query-gate.js';
export { seldonAdapter } from './seldon-adapter.js';
export { seldonEndpointCheck } from './seldon-endpoint-check.js';
export { seldonManifestCheck } from './seldon-manifest-check.js';
export { seldonPlugin } from './seldon-plugin.js';
export type {
  SeldonData,
  SeldonMessage,
  SeldonPrediction,
  SeldonV1Client,
} from './seldon-v1-client.js';
export { createSeldonV1Client, wrapSeldonV1 } from './seldon-v1-client.js';
export type { SeldonV1TargetOptions } from './seldon-v1-model-target.js';
export { createSeldonV1ModelTarget } from './seldon-v1-model-target.js';
export { VERSION } from './version.js';
