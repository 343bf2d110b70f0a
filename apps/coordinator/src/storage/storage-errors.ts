/**
 * Refusals of the moment on the binary endpoints: the coordinator's storage failed a write, or its upload slots are
 * taken. Neither is the caller's fault, nothing is recorded against the upload, and the answer says when to try
 * again (Retry-After); the process and the round go on.
 */
import { FedstrokeError } from '@fedstroke/common';
import { REFUSAL_STATUS, type TransientRefusalCode } from '@fedstroke/protocol';

export const RETRY_AFTER_SECONDS = 5;

export abstract class TransientRefusalError extends FedstrokeError {
  readonly retryAfterSeconds = RETRY_AFTER_SECONDS;

  constructor(
    override readonly code: TransientRefusalCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }

  get status(): number {
    return REFUSAL_STATUS[this.code];
  }
}

/** Errnos that mean "no room": the same write fails until space is freed. */
const FULL = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);

const DESCRIPTIONS: Record<string, string> = {
  ENOSPC: 'no space is left on it',
  EDQUOT: 'its disk quota is used up',
  EFBIG: 'the file would exceed the largest file size allowed to the coordinator',
  EROFS: 'it is read-only',
  EACCES: 'the coordinator may not write to it',
  EPERM: 'the coordinator may not write to it',
  EMFILE: 'the coordinator has too many files open',
  ENFILE: 'the system has too many files open',
  EIO: 'it reported an I/O error',
};

/** A write to the data directory failed; `errno` is the system's code (ENOSPC, EROFS, EMFILE, …). */
export class StorageFaultError extends TransientRefusalError {
  constructor(
    readonly operation: string,
    readonly errno: string,
    options?: { cause?: unknown },
  ) {
    super(
      FULL.has(errno) ? 'STORAGE_FULL' : 'STORAGE_UNAVAILABLE',
      `${operation}: the coordinator's storage cannot take it now: ${DESCRIPTIONS[errno] ?? 'the write failed'} ` +
        `(${errno}); nothing was kept, try again in ${RETRY_AFTER_SECONDS} s`,
      options,
    );
  }
}

/** Turns a failed file-system call into a StorageFaultError; anything without an errno is returned untouched. */
export function asStorageFault(operation: string, error: unknown): unknown {
  if (error instanceof StorageFaultError) return error;
  const errno = (error as NodeJS.ErrnoException | null)?.code;
  return typeof errno === 'string' && /^E[A-Z]+$/.test(errno)
    ? new StorageFaultError(operation, errno, { cause: error })
    : error;
}

/** An upload slot is not free: this caller's (429) or the coordinator's (503). */
export class UploadSlotsError extends TransientRefusalError {
  constructor(code: 'TOO_MANY_UPLOADS' | 'UPLOADS_BUSY', message: string) {
    super(code, message);
  }
}
