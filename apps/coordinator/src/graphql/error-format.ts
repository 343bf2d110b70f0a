/**
 * One shape for every GraphQL error, whether it leaves over HTTP (Apollo's formatError) or over graphql-ws (the
 * socket's onNext and onError): a stable `extensions.code`, the error's own message, never a stack trace. Nest HTTP
 * exceptions (what resolvers and the auth guard throw) are mapped from their status; storage and slot refusals
 * (STORAGE_FULL, STORAGE_UNAVAILABLE, …) keep their code, status and retry hint; errors that already carry a code
 * keep it; anything else is an INTERNAL_SERVER_ERROR and is logged, once per error.
 */
import { HttpException, HttpStatus } from '@nestjs/common';
import type { GraphQLFormattedError } from 'graphql';
import type { JsonLogger } from '../logging/json-logger';
import { TransientRefusalError } from '../storage/storage-errors';

const CODE_BY_STATUS: Partial<Record<number, string>> = {
  [HttpStatus.BAD_REQUEST]: 'BAD_USER_INPUT',
  [HttpStatus.UNAUTHORIZED]: 'UNAUTHENTICATED',
  [HttpStatus.FORBIDDEN]: 'FORBIDDEN',
  [HttpStatus.NOT_FOUND]: 'NOT_FOUND',
  [HttpStatus.CONFLICT]: 'CONFLICT',
  [HttpStatus.PAYLOAD_TOO_LARGE]: 'PAYLOAD_TOO_LARGE',
  [HttpStatus.UNPROCESSABLE_ENTITY]: 'UNPROCESSABLE',
};

/** Extensions that are for the server only (Apollo strips `http` itself over HTTP; graphql-ws would send it). */
const PRIVATE_EXTENSIONS = new Set(['stacktrace', 'exception', 'http']);

export function formatGraphqlError(
  formatted: GraphQLFormattedError,
  error: unknown,
  log: JsonLogger,
): GraphQLFormattedError {
  const original = (error as { originalError?: unknown }).originalError ?? error;
  if (original instanceof HttpException) {
    const status = original.getStatus();
    const response = original.getResponse();
    const message =
      typeof response === 'object' && response !== null && 'message' in response
        ? [(response as { message: unknown }).message].flat().join('; ')
        : original.message;
    return {
      message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: CODE_BY_STATUS[status] ?? `HTTP_${status}`, status },
    };
  }
  if (original instanceof TransientRefusalError) {
    // The coordinator's storage or slots, not the caller: the same code, status and retry hint as over HTTP, so a
    // client retries a mutation the way a site retries an upload. Logged, since an operator must free the disk.
    log.event('warn', 'graphql.transient_refusal', { code: original.code, message: original.message });
    return {
      message: original.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: original.code, status: original.status, retryAfterSeconds: original.retryAfterSeconds },
    };
  }
  const { code, ...rest } = formatted.extensions ?? {};
  if (code === undefined || code === 'INTERNAL_SERVER_ERROR') {
    log.event('error', 'graphql.internal_error', { message: formatted.message, path: formatted.path?.join('.') });
  }
  const extra = Object.fromEntries(Object.entries(rest).filter(([key]) => !PRIVATE_EXTENSIONS.has(key)));
  return {
    message: formatted.message,
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: code ?? 'INTERNAL_SERVER_ERROR', ...extra },
  };
}
