/**
 * The clinical-inference section of CoordinatorConfig: queue, limits and retention of `segmentStudy` jobs. One table
 * gives each integer setting its FEDSTROKE_INFERENCE_* variable, default and bounds, so the environment reader and
 * the checks applied to a config built in code cannot drift apart.
 */
import { resolve } from 'node:path';
import { EXECUTION_PROVIDERS } from '@fedstroke/runtime';
import { absolutePath, emptyAsUnset, integerInRange, oneOf, optionalInteger } from './config-values';

export interface InferenceConfig {
  /** Server-side studies must lie under this absolute folder; absent: only uploads are accepted. */
  root?: string;
  /** Jobs computing at once. */
  concurrency: number;
  /** Jobs waiting beyond the running ones; one more is refused with QUEUE_FULL at once. */
  queueCapacity: number;
  /** Longest a job may compute before it is stopped and marked TIMED_OUT. */
  jobTimeoutMs: number;
  /** How long results (mask, probabilities) and uploads are kept after they are written. */
  retentionMs: number;
  /** Largest upload body, bytes. */
  maxUploadBytes: number;
  /** Largest file, in voxels (absurd sizes are refused before the voxels are read). */
  maxVoxels: number;
  /** ONNX Runtime intra-op threads per model session. */
  threads: number;
  /** Loaded models kept in memory (LRU). */
  modelCacheSize: number;
  /** Execution provider of the model sessions (cpu, cuda, webgpu); one that cannot start falls back to cpu. */
  provider: string;
}

export type InferenceConfigInput = Partial<InferenceConfig>;

type IntegerKey = Exclude<keyof InferenceConfig, 'root' | 'provider'>;

interface IntegerSetting {
  variable: string;
  fallback: number;
  min: number;
  max: number;
}

const HOUR_MS = 3_600_000;
const INT32_MAX = 2 ** 31 - 1;

const INTEGER_SETTINGS: Record<IntegerKey, IntegerSetting> = {
  concurrency: { variable: 'FEDSTROKE_INFERENCE_CONCURRENCY', fallback: 1, min: 1, max: 64 },
  queueCapacity: { variable: 'FEDSTROKE_INFERENCE_QUEUE_SIZE', fallback: 4, min: 0, max: 10_000 },
  jobTimeoutMs: { variable: 'FEDSTROKE_INFERENCE_TIMEOUT_MS', fallback: 120_000, min: 1, max: 24 * HOUR_MS },
  retentionMs: {
    variable: 'FEDSTROKE_INFERENCE_RETENTION_MS',
    fallback: 24 * HOUR_MS,
    min: 1,
    max: 365 * 24 * HOUR_MS,
  },
  maxUploadBytes: { variable: 'FEDSTROKE_INFERENCE_MAX_UPLOAD_BYTES', fallback: 512 << 20, min: 1024, max: INT32_MAX },
  maxVoxels: { variable: 'FEDSTROKE_INFERENCE_MAX_VOXELS', fallback: 64 << 20, min: 1, max: INT32_MAX },
  threads: { variable: 'FEDSTROKE_INFERENCE_THREADS', fallback: 2, min: 1, max: 64 },
  modelCacheSize: { variable: 'FEDSTROKE_INFERENCE_MODEL_CACHE', fallback: 2, min: 1, max: 16 },
};

const INTEGER_KEYS = Object.keys(INTEGER_SETTINGS) as IntegerKey[];

export function resolveInferenceConfig(input: InferenceConfigInput = {}): InferenceConfig {
  return { ...integerSettings(input), root: inferenceRoot(input.root), provider: inferenceProvider(input.provider) };
}

/** Reads FEDSTROKE_INFERENCE_*; unset or empty variables keep their defaults. */
export function inferenceInputFromEnvironment(env: NodeJS.ProcessEnv): InferenceConfigInput {
  const input: InferenceConfigInput = {
    root: emptyAsUnset(env.FEDSTROKE_INFERENCE_ROOT),
    provider: emptyAsUnset(env.FEDSTROKE_INFERENCE_PROVIDER),
  };
  for (const key of INTEGER_KEYS) {
    const variable = INTEGER_SETTINGS[key].variable;
    input[key] = optionalInteger(variable, env[variable]);
  }
  return input;
}

function integerSettings(input: InferenceConfigInput): Record<IntegerKey, number> {
  const entries = INTEGER_KEYS.map((key) => {
    const { variable, fallback, min, max } = INTEGER_SETTINGS[key];
    return [key, integerInRange(variable, input[key] ?? fallback, min, max)];
  });
  return Object.fromEntries(entries) as Record<IntegerKey, number>;
}

function inferenceRoot(root: string | undefined): string | undefined {
  return root === undefined ? undefined : resolve(absolutePath('FEDSTROKE_INFERENCE_ROOT', root));
}

function inferenceProvider(provider = 'cpu'): string {
  return oneOf('FEDSTROKE_INFERENCE_PROVIDER', provider, EXECUTION_PROVIDERS);
}
