/**
 * Execution providers and session options. The provider is configuration (`cpu`, `cuda`, `webgpu`); each is tried
 * in its own session create, and a failure falls back to CPU with one log line — or throws, when the caller asked
 * for `strict`. Options follow DESIGN.md's measurements: memory arena on, sequential execution, full graph
 * optimisation, a small intra-op pool, no spinning threads (the machines are shared), and no memory pattern
 * (it costs peak memory for nothing measurable; see `memoryPattern`).
 */
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import { ExecutionProviderError } from './errors';
import { diagnoseWebGpuAdapter, isMissingAdapter, probeVulkan } from './webgpu-diagnosis';

export const EXECUTION_PROVIDERS = ['cpu', 'cuda', 'webgpu'] as const;
export type ExecutionProviderName = (typeof EXECUTION_PROVIDERS)[number];

export interface ProviderOptions {
  /** Default 'cpu'. */
  provider?: string;
  /** Throw instead of falling back to CPU when the provider cannot start. */
  strict?: boolean;
  /** Intra-op threads; default `defaultThreadCount()`. */
  intraOpNumThreads?: number;
  /** Let idle ORT threads spin (faster on a dedicated machine, unkind on a shared one). Default false. */
  allowSpinning?: boolean;
  /**
   * ORT's memory pattern (pre-planned activation layout per input shape). Default off: on the `bench` U-Net
   * (2×3×64³ train step, 2 threads) it raised peak RSS from 504 to 875 MiB for no measurable speed-up.
   */
  memoryPattern?: boolean;
  /** CUDA device ordinal. Default 0. */
  deviceId?: number;
  /** Where the fallback line goes. Default: stderr. */
  log?: (line: string) => void;
  /**
   * ONNX Runtime's own log level for the session (0 verbose … 4 fatal; default ORT's, 2): 0 prints the node placements
   * and every Memcpy ORT inserts between host and device, on the process's stdout.
   */
  logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
}

/** All free cores up to 4: beyond that a 3D U-Net of this size stops scaling on CPU and neighbours suffer. */
export function defaultThreadCount(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

export function parseProvider(name: string | undefined): ExecutionProviderName {
  const provider = name ?? 'cpu';
  if (!(EXECUTION_PROVIDERS as readonly string[]).includes(provider)) {
    throw new ExecutionProviderError(
      `unknown execution provider "${provider}"; valid providers: ${EXECUTION_PROVIDERS.join(', ')}`,
    );
  }
  return provider as ExecutionProviderName;
}

export function sessionOptions(
  provider: ExecutionProviderName,
  options: ProviderOptions,
): ort.InferenceSession.SessionOptions {
  const threads = options.intraOpNumThreads ?? defaultThreadCount();
  if (!Number.isSafeInteger(threads) || threads < 1) {
    throw new ExecutionProviderError(`intraOpNumThreads must be a positive integer, got ${threads}`);
  }
  const executionProvider: ort.InferenceSession.ExecutionProviderConfig =
    provider === 'cuda' ? { name: 'cuda', deviceId: options.deviceId ?? 0 } : provider;
  return {
    executionProviders: [executionProvider],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    enableCpuMemArena: true,
    enableMemPattern: options.memoryPattern ?? false,
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    ...(options.logSeverityLevel === undefined ? {} : { logSeverityLevel: options.logSeverityLevel }),
    extra: { session: { 'intra_op.allow_spinning': options.allowSpinning ? '1' : '0' } },
  };
}

export interface CreatedSession {
  session: ort.InferenceSession;
  /** The provider that actually runs the session (cpu after a fallback). */
  provider: ExecutionProviderName;
}

/**
 * Creates a session on the requested provider; on failure logs one line and retries on CPU, unless strict.
 * Pass the provider resolved for the first model to the next ones, so that one fallback covers them all.
 */
export async function createSession(model: string, options: ProviderOptions): Promise<CreatedSession> {
  const provider = parseProvider(options.provider);
  try {
    return { session: await ort.InferenceSession.create(model, sessionOptions(provider, options)), provider };
  } catch (error) {
    let reason = firstLine(error);
    if (provider === 'webgpu' && isMissingAdapter(reason))
      reason = `${diagnoseWebGpuAdapter(probeVulkan())} (ONNX Runtime: ${reason.slice(-120)})`;
    if (provider === 'cpu')
      throw new ExecutionProviderError(`could not load ${model} on cpu: ${reason}`, { cause: error });
    if (options.strict) {
      throw new ExecutionProviderError(
        `execution provider "${provider}" failed to start for ${model} (strict, no fallback): ${reason}. See gpu/README.md`,
        { cause: error },
      );
    }
    (options.log ?? ((line: string) => process.stderr.write(`${line}\n`)))(
      `fedstroke: execution provider "${provider}" unavailable (${reason}); falling back to cpu`,
    );
    return createSession(model, { ...options, provider: 'cpu' });
  }
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0].replace(/\s+/g, ' ').trim().slice(0, 300);
}
