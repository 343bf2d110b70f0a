/**
 * File operations in flight, with a time limit each. A read that does not answer (a hung network mount, a failing
 * disk) cannot be cancelled: Node's file calls run on libuv's small thread pool until the kernel returns. So the
 * caller gets a clear timeout error at once, while the operation stays listed here until it really settles, and
 * readiness (`/readyz`) can say that a storage path has stopped answering instead of staying green.
 */
import { FedstrokeError } from './errors';

/** Default limit on one file operation (one open, one chunk read). Generous: a busy disk answers in milliseconds. */
export const DEFAULT_IO_TIMEOUT_MS = 30_000;

/** A file operation that did not finish within its limit (the operation itself may still be pending). */
export class IoTimeoutError extends FedstrokeError {
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
  ) {
    super('IO_TIMEOUT', `${what}: no answer from storage within ${timeoutMs} ms; the file system may be stuck`);
  }
}

export interface PendingIo {
  what: string;
  /** How long it has been pending, ms. */
  ms: number;
  /** Pending past its own time limit: the caller has been told it timed out, the storage has not answered yet. */
  overdue: boolean;
}

const inFlight = new Map<number, { what: string; since: number; timeoutMs: number }>();
let nextId = 0;

/**
 * `operation` under a time limit: rejects with IoTimeoutError after `timeoutMs`, and is listed by pendingIo until it
 * settles (even after the timeout).
 */
export function withIoTimeout<T>(what: string, operation: Promise<T>, timeoutMs = DEFAULT_IO_TIMEOUT_MS): Promise<T> {
  const id = nextId++;
  inFlight.set(id, { what, since: Date.now(), timeoutMs });
  const settled = operation.finally(() => inFlight.delete(id));
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new IoTimeoutError(what, timeoutMs)), timeoutMs);
    timer.unref();
  });
  // A late rejection of the real operation must not surface as an unhandled rejection once the timeout has won.
  settled.catch(() => undefined);
  return Promise.race([settled, limit]).finally(() => clearTimeout(timer));
}

/** Operations pending for at least `olderThanMs`, oldest first. */
export function pendingIo(olderThanMs = 0, now = Date.now()): PendingIo[] {
  return [...inFlight.values()]
    .map(({ what, since, timeoutMs }) => ({ what, ms: now - since, overdue: now - since >= timeoutMs }))
    .filter((entry) => entry.ms >= olderThanMs)
    .sort((a, b) => b.ms - a.ms);
}

/** Operations pending past their own time limit: the storage they wait on has stopped answering. */
export function overdueIo(now = Date.now()): PendingIo[] {
  return pendingIo(0, now).filter((entry) => entry.overdue);
}
