import { FedstrokeError } from '@fedstroke/common';

/**
 * A coordinator call that failed. `retryable` says whether trying again can help: the coordinator unreachable,
 * restarting or overloaded (network error, 5xx, 429) can; a refusal (bad token, unknown round, rejected update)
 * cannot.
 */
export class CoordinatorCallError extends FedstrokeError {
  constructor(
    readonly operation: string,
    readonly retryable: boolean,
    message: string,
    readonly status?: number,
    readonly graphqlCode?: string,
    options?: { cause?: unknown },
  ) {
    super(retryable ? 'COORDINATOR_UNAVAILABLE' : 'COORDINATOR_REFUSED', `${operation}: ${message}`, options);
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
  constructor(message: string) {
    super('MODEL_INTEGRITY', message);
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

/** 5xx, 429 and 408 are worth retrying; other statuses are answers. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}
