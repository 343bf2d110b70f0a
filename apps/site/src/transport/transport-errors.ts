import { FedstrokeError } from '@fedstroke/common';

export interface CallErrorDetails {
  status?: number;
  /** A GraphQL error's extensions.code (UNAUTHENTICATED, FORBIDDEN, …). */
  graphqlCode?: string;
  /** A binary endpoint's refusal code (@fedstroke/protocol RefusalCode: STORAGE_FULL, TOO_MANY_UPLOADS, …). */
  refusalCode?: string;
  /** How long the coordinator asked to wait before the next try (Retry-After). */
  retryAfterMs?: number;
  cause?: unknown;
}

/**
 * A coordinator call that failed. `retryable` says whether trying again can help: the coordinator unreachable,
 * restarting, overloaded or short of storage (network error, 5xx, 507, 429) can; a refusal (bad token, unknown
 * round, rejected update) cannot.
 */
export class CoordinatorCallError extends FedstrokeError {
  readonly status?: number;
  readonly graphqlCode?: string;
  readonly refusalCode?: string;
  readonly retryAfterMs?: number;

  constructor(
    readonly operation: string,
    readonly retryable: boolean,
    message: string,
    details: CallErrorDetails = {},
  ) {
    super(retryable ? 'COORDINATOR_UNAVAILABLE' : 'COORDINATOR_REFUSED', `${operation}: ${message}`, {
      cause: details.cause,
    });
    this.status = details.status;
    this.graphqlCode = details.graphqlCode;
    this.refusalCode = details.refusalCode;
    this.retryAfterMs = details.retryAfterMs;
  }

  /** The token is wrong or revoked: the agent cannot do anything until an operator fixes it. */
  get isAuthFailure(): boolean {
    return (
      this.status === 401 ||
      this.status === 403 ||
      this.graphqlCode === 'UNAUTHENTICATED' ||
      this.graphqlCode === 'FORBIDDEN'
    );
  }
}

/** The global model download did not match what the task promised (size or sha256): never train on it. */
export class ModelIntegrityError extends FedstrokeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('MODEL_INTEGRITY', message, options);
  }
}

/** The coordinator stayed unreachable for longer than the configured patience. */
export class CoordinatorUnreachableError extends FedstrokeError {
  constructor(operation: string, seconds: number, cause: unknown) {
    super('COORDINATOR_UNREACHABLE', `${operation}: coordinator unreachable for ${seconds.toFixed(0)} s; giving up`, {
      cause,
    });
  }
}

/** 5xx (507 Insufficient Storage included), 429 and 408 are worth retrying; other statuses are answers. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}
