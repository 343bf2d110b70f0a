/** What the inference module persists: uploads, jobs and audit entries, as plain records (times in epoch ms). */
import type { SegmentationSummary } from '@fedstroke/inference';

export const INFERENCE_JOB_STATUSES = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'EXPIRED'] as const;
export type InferenceJobStatus = (typeof INFERENCE_JOB_STATUSES)[number];

/** Who called: the role and a fingerprint of the bearer token (first 16 hex of its sha256), never the token. */
export interface Caller {
  role: string;
  tokenFingerprint: string;
}

export interface UploadRecord extends Caller {
  id: string;
  /** Relative to the data directory. */
  file: string;
  fileName: string | null;
  sha256: string;
  sizeBytes: number;
  shape: number[];
  createdAt: number;
  expiresAt: number;
}

export type StudyRoleKey = 'dwi' | 'adc' | 'flair';

/** One input file of a job: where it came from (upload id or server path as given) and its sha256. */
export interface JobInput {
  source: string;
  sha256: string;
}

export interface JobOptionsRecord {
  returnProbability: boolean;
  threshold: number;
  minLesionVoxels: number;
  tta: boolean;
}

export interface InferenceJobRecord extends Caller {
  id: string;
  status: InferenceJobStatus;
  modelVersionId: string;
  modelSha256: string;
  modelConfig: string;
  inputs: Partial<Record<StudyRoleKey, JobInput>>;
  options: JobOptionsRecord;
  result: SegmentationSummary | null;
  errorCode: string | null;
  errorMessage: string | null;
  maskFile: string | null;
  probFile: string | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  expiresAt: number | null;
}

export interface AuditEntry extends Caller {
  at: number;
  action: 'UPLOAD' | 'SEGMENT' | 'DOWNLOAD';
  jobId: string | null;
  modelVersionId: string | null;
  modelSha256: string | null;
  inputSha256s: Partial<Record<StudyRoleKey, string>> | string[];
  /** ACCEPTED, REFUSED, SUCCEEDED, … */
  outcome: string;
  errorCode: string | null;
}
