/**
 * Refusals of the binary endpoints as HTTP answers: JSON bodies with a stable `code` (@fedstroke/protocol), a
 * Retry-After header on refusals of the moment, and `Connection: close` when the body was not read to its end (the
 * unread bytes must not be taken for the next request on the socket).
 */
import { HttpException } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RETRY_AFTER_HEADER, REFUSAL_STATUS, type RefusalBody, type RefusalCode } from '@fedstroke/protocol';
import { TransientRefusalError } from '../storage/storage-errors';

/** A refusal with its code: `new RefusalException('NOT_ASSIGNED', '…')`; update rejections add the participation. */
export class RefusalException extends HttpException {
  constructor(code: RefusalCode, message: string, participationId?: string) {
    const status = REFUSAL_STATUS[code];
    const body: RefusalBody = {
      statusCode: status,
      code,
      message,
      ...(participationId !== undefined && { status: 'REJECTED' as const, participationId, reason: message }),
    };
    super(body, status);
  }
}

/** Prepares `response` for the refusal `error` and returns what the controller should throw. */
export function answerRefusal(error: unknown, request: IncomingMessage, response: ServerResponse): unknown {
  if (!request.readableEnded) response.setHeader('Connection', 'close');
  if (error instanceof TransientRefusalError) {
    response.setHeader(RETRY_AFTER_HEADER, String(error.retryAfterSeconds));
    const body: RefusalBody = {
      statusCode: error.status,
      code: error.code,
      message: error.message,
      retryAfterSeconds: error.retryAfterSeconds,
    };
    return new HttpException(body, error.status);
  }
  return error;
}
