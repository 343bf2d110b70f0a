/**
 * Exponential back-off with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"): the n-th retry
 * waits a uniform random time in [0, min(max, base·2ⁿ)], so agents that lost the coordinator at the same moment do
 * not all come back at the same moment.
 */
import { CoordinatorCallError, CoordinatorUnreachableError } from './transport-errors';

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  /** Stop retrying after this long (the last error is thrown as CoordinatorUnreachableError). */
  giveUpAfterMs: number;
}

/** The delay before retry `attempt` (0-based); `random` in [0, 1). */
export function backoffDelayMs(
  attempt: number,
  policy: Pick<BackoffPolicy, 'baseMs' | 'maxMs'>,
  random: number,
): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random * ceiling);
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface RetryHooks {
  signal?: AbortSignal;
  random?: () => number;
  onRetry?: (info: { operation: string; attempt: number; delayMs: number; error: CoordinatorCallError }) => void;
}

/**
 * Calls `call` until it succeeds, retrying only CoordinatorCallErrors marked retryable (waiting at least the
 * Retry-After the coordinator sent); anything else is thrown at once. After `giveUpAfterMs` of failures the last error is wrapped in CoordinatorUnreachableError.
 */
export async function withRetry<T>(
  operation: string,
  call: () => Promise<T>,
  policy: BackoffPolicy,
  hooks: RetryHooks = {},
): Promise<T> {
  const started = Date.now();
  const random = hooks.random ?? Math.random;
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof CoordinatorCallError) || !error.retryable) throw error;
      const elapsed = Date.now() - started;
      if (elapsed >= policy.giveUpAfterMs) throw new CoordinatorUnreachableError(operation, elapsed / 1000, error);
      // A Retry-After from the coordinator (storage full, upload slots taken) is a floor under the jitter.
      const wanted = Math.max(backoffDelayMs(attempt, policy, random()), error.retryAfterMs ?? 0);
      const delayMs = Math.min(wanted, policy.giveUpAfterMs - elapsed);
      hooks.onRetry?.({ operation, attempt, delayMs, error });
      await sleep(delayMs, hooks.signal);
    }
  }
}
