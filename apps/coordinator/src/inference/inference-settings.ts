/**
 * Settings of clinical inference, validated once at boot. They are read from FEDSTROKE_INFERENCE_* variables because
 * CoordinatorConfig has no inference section yet (when it gains one, `InferenceSettings` is built from it instead and
 * nothing else changes).
 */
import { isAbsolute, join, resolve } from 'node:path';
import { ConfigError } from '../config/config.error';

export class InferenceSettings {
  /** Jobs computing at once. */
  concurrency!: number;
  /** Jobs waiting beyond the running ones; one more is refused with QUEUE_FULL at once. */
  queueCapacity!: number;
  /** Longest a job may compute before it is stopped and marked TIMED_OUT. */
  jobTimeoutMs!: number;
  /** How long results (mask, probabilities) and uploads are kept after they are written. */
  retentionMs!: number;
  /** Largest upload body, bytes. */
  maxUploadBytes!: number;
  /** Largest file, in voxels (absurd sizes are refused before the voxels are read). */
  maxVoxels!: number;
  /** ONNX Runtime intra-op threads per model session. */
  threads!: number;
  /** Server-side studies must lie under this folder; absent: only uploads are accepted. */
  root?: string;
  /** Where uploads and results live (under the coordinator's data directory). */
  workDir!: string;
  /** Loaded models kept in memory (LRU). */
  modelCacheSize!: number;
}

const DEFAULTS = {
  concurrency: 1,
  queueCapacity: 4,
  jobTimeoutMs: 120_000,
  retentionMs: 24 * 3600_000,
  maxUploadBytes: 512 * 1024 * 1024,
  maxVoxels: 64 * 1024 * 1024,
  threads: 2,
  modelCacheSize: 2,
};

function integer(env: NodeJS.ProcessEnv, variable: string, fallback: number, min: number, max: number): number {
  const raw = env[variable];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || value < min || value > max) {
    throw new ConfigError(variable, `must be an integer in [${min}, ${max}] (got "${raw}")`);
  }
  return value;
}

export function inferenceSettingsFromEnvironment(env: NodeJS.ProcessEnv, dataDir: string): InferenceSettings {
  const root = env.FEDSTROKE_INFERENCE_ROOT;
  if (root !== undefined && root !== '' && !isAbsolute(root)) {
    throw new ConfigError('FEDSTROKE_INFERENCE_ROOT', `must be an absolute folder (got "${root}")`);
  }
  return Object.assign(new InferenceSettings(), {
    concurrency: integer(env, 'FEDSTROKE_INFERENCE_CONCURRENCY', DEFAULTS.concurrency, 1, 64),
    queueCapacity: integer(env, 'FEDSTROKE_INFERENCE_QUEUE_SIZE', DEFAULTS.queueCapacity, 0, 10_000),
    jobTimeoutMs: integer(env, 'FEDSTROKE_INFERENCE_TIMEOUT_MS', DEFAULTS.jobTimeoutMs, 1, 24 * 3600_000),
    retentionMs: integer(env, 'FEDSTROKE_INFERENCE_RETENTION_MS', DEFAULTS.retentionMs, 1, 365 * 24 * 3600_000),
    maxUploadBytes: integer(env, 'FEDSTROKE_INFERENCE_MAX_UPLOAD_BYTES', DEFAULTS.maxUploadBytes, 1024, 2 ** 31 - 1),
    maxVoxels: integer(env, 'FEDSTROKE_INFERENCE_MAX_VOXELS', DEFAULTS.maxVoxels, 1, 2 ** 31 - 1),
    threads: integer(env, 'FEDSTROKE_INFERENCE_THREADS', DEFAULTS.threads, 1, 64),
    modelCacheSize: integer(env, 'FEDSTROKE_INFERENCE_MODEL_CACHE', DEFAULTS.modelCacheSize, 1, 16),
    root: root ? resolve(root) : undefined,
    workDir: join(dataDir, 'inference'),
  });
}
