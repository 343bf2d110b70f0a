/**
 * Header names of the binary transfers (lower case, as Node hands them to servers; HTTP header names are
 * case-insensitive, so clients may send them in any case).
 */

/** Request headers of POST /rounds/:roundId/updates (the body is the raw float32 weights). */
export const UPDATE_HEADERS = {
  /** sha256 of the body, 64 lower-case hex characters. */
  sha256: 'x-fedstroke-sha256',
  /** The model version the update was trained from (the task's baseModelVersionId). */
  baseModelVersion: 'x-fedstroke-base-model-version',
  /** The manifest's parameterLayoutSha256. */
  layoutSha256: 'x-fedstroke-layout-sha256',
  /** Local training samples, an integer ≥ 1 (FedAvg's weight). */
  numSamples: 'x-fedstroke-num-samples',
  /** Optional JSON object of finite numbers (local metrics), at most MAX_METRICS_HEADER_BYTES. */
  metrics: 'x-fedstroke-metrics',
  /** Optional: the parts of the body in order, comma-separated (update-parts.ts); absent means "weights". */
  parts: 'x-fedstroke-update-parts',
} as const;

/**
 * Response headers of GET /models/:versionId (the body is the raw float32 weights) and of
 * GET /models/:versionId/control-variate (SCAFFOLD's server control variate, the same layout).
 */
export const MODEL_HEADERS = {
  sha256: 'x-fedstroke-sha256',
  versionId: 'x-fedstroke-model-version',
  roundIndex: 'x-fedstroke-round-index',
  parameterCount: 'x-fedstroke-parameter-count',
  layoutSha256: 'x-fedstroke-layout-sha256',
} as const;

/** Request headers of POST /inference/uploads (the body is one .nii or .nii.gz file). */
export const INFERENCE_UPLOAD_HEADERS = {
  /** The original file name, for messages only (never used as a path). */
  fileName: 'x-fedstroke-filename',
} as const;

/** Seconds to wait before trying again, on 429 and 503 answers (RFC 9110 §10.2.3). */
export const RETRY_AFTER_HEADER = 'retry-after';

export const MAX_METRICS_HEADER_BYTES = 8192;
