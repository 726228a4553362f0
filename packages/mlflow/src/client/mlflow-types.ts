/**
 * Entities as the MLflow REST API returns them (snake_case, as on the wire). The server omits
 * empty fields, so everything it may leave out is optional. Timestamps are Unix milliseconds.
 */

export interface MlflowTag {
  key: string;
  value?: string;
}

export interface MlflowParam {
  key: string;
  value?: string;
}

export interface MlflowMetric {
  key: string;
  value: number;
  timestamp?: number;
  step?: number;
  model_id?: string;
  run_id?: string;
  dataset_name?: string;
  dataset_digest?: string;
}

export interface MlflowExperiment {
  experiment_id: string;
  name: string;
  artifact_location?: string;
  lifecycle_stage?: 'active' | 'deleted' | (string & {});
  last_update_time?: number;
  creation_time?: number;
  tags?: MlflowTag[];
}

export type MlflowRunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

export interface MlflowRunInfo {
  run_id: string;
  run_uuid?: string;
  run_name?: string;
  experiment_id: string;
  user_id?: string;
  status?: MlflowRunStatus;
  start_time?: number;
  end_time?: number;
  artifact_uri?: string;
  lifecycle_stage?: string;
}

export interface MlflowDataset {
  name?: string;
  digest?: string;
  source_type?: string;
  source?: string;
  schema?: string;
  profile?: string;
}

export interface MlflowDatasetInput {
  tags?: MlflowTag[];
  dataset?: MlflowDataset;
}

export interface MlflowRun {
  info: MlflowRunInfo;
  data?: { metrics?: MlflowMetric[]; params?: MlflowParam[]; tags?: MlflowTag[] };
  inputs?: { dataset_inputs?: MlflowDatasetInput[]; model_inputs?: { model_id: string }[] };
  outputs?: { model_outputs?: { model_id: string; step?: number }[] };
}

export interface MlflowFileInfo {
  path: string;
  is_dir?: boolean;
  file_size?: number;
}

export interface MlflowLoggedModel {
  info: {
    model_id: string;
    experiment_id?: string;
    name?: string;
    creation_timestamp_ms?: number;
    last_updated_timestamp_ms?: number;
    artifact_uri?: string;
    status?: string;
    creator_id?: string;
    model_type?: string;
    source_run_id?: string;
    status_message?: string;
    tags?: MlflowTag[];
    registrations?: { name: string; version: string }[];
  };
  data?: { params?: MlflowParam[]; metrics?: MlflowMetric[] };
}

export interface MlflowModelVersion {
  name: string;
  version: string;
  creation_timestamp?: number;
  last_updated_timestamp?: number;
  user_id?: string;
  current_stage?: string;
  description?: string;
  source?: string;
  run_id?: string;
  status?: 'PENDING_REGISTRATION' | 'FAILED_REGISTRATION' | 'READY' | (string & {});
  status_message?: string;
  tags?: MlflowTag[];
  run_link?: string;
  aliases?: string[];
  model_id?: string;
}

export interface MlflowRegisteredModel {
  name: string;
  creation_timestamp?: number;
  last_updated_timestamp?: number;
  user_id?: string;
  description?: string;
  latest_versions?: MlflowModelVersion[];
  tags?: MlflowTag[];
  aliases?: { alias: string; version: string }[];
}

/** Options of every client call: cancel it with the signal. */
export interface CallOptions {
  signal?: AbortSignal;
}

/** Options of a paginated search. */
export interface PageOptions extends CallOptions {
  maxResults?: number;
  pageToken?: string;
}

/** One page of a paginated listing. An absent `nextPageToken` means the last page. */
export interface MlflowPage<T> {
  items: T[];
  nextPageToken?: string;
}

/**
 * Tags or params as a record without prototype (keys such as `__proto__` are valid MLflow keys);
 * the last value of a repeated key wins.
 */
export function toRecord(
  entries: readonly { key: string; value?: string }[] | undefined,
): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const { key, value } of entries ?? []) out[key] = value ?? '';
  return out;
}
