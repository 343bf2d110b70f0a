/**
 * How inference refusals reach callers. Over GraphQL: the error's own stable code in extensions.code (QUEUE_FULL,
 * STUDY_GRID_MISMATCH, NIFTI_TRUNCATED, PATH_OUTSIDE_ROOT, …) with its message. Over HTTP: a status and a JSON body
 * { statusCode, code, message }. Refusals are expected outcomes, so they are not logged as server errors.
 */
import { HttpException, HttpStatus, IntrinsicException } from '@nestjs/common';
import { FedstrokeError } from '@fedstroke/common';
import { StudyInputError } from '@fedstroke/inference';
import { TransientRefusalError } from '../storage/storage-errors';
import { PayloadTooLargeError } from '../storage/weights-store';
import { QueueFullError } from './job-queue';
import { ServingError } from '../serving/serving-errors';
import { ModelNotAvailableError } from './model-catalog.service';
import { StudySourceError } from './study-sources';

function statusOf(error: FedstrokeError): number {
  if (error instanceof TransientRefusalError) return error.status;
  if (error instanceof QueueFullError) return HttpStatus.SERVICE_UNAVAILABLE;
  if (error instanceof PayloadTooLargeError) return HttpStatus.PAYLOAD_TOO_LARGE;
  if (error instanceof StudyInputError) return HttpStatus.UNPROCESSABLE_ENTITY;
  if (error instanceof ModelNotAvailableError) return HttpStatus.NOT_FOUND;
  if (error instanceof ServingError) {
    return error.code === 'NO_SERVING_MODEL' ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.CONFLICT;
  }
  if (error instanceof StudySourceError) {
    return error.code === 'PATH_OUTSIDE_ROOT' || error.code === 'SERVER_PATHS_DISABLED'
      ? HttpStatus.FORBIDDEN
      : error.code === 'STUDY_SOURCE_INVALID' || error.code === 'PATH_NOT_A_FILE'
        ? HttpStatus.BAD_REQUEST
        : error.code === 'PATH_IO_TIMEOUT'
          ? HttpStatus.SERVICE_UNAVAILABLE
          : HttpStatus.NOT_FOUND;
  }
  return HttpStatus.BAD_REQUEST;
}

/** A GraphQL error whose extensions carry the refusal's code (graphql-js copies `extensions` from the original). */
export class InferenceRefusal extends IntrinsicException {
  readonly extensions: { code: string; status: number };

  constructor(code: string, message: string, status: number) {
    super(message);
    this.extensions = { code, status };
  }
}

/**
 * Known refusals become InferenceRefusal; anything else is rethrown untouched (a real server error). Storage and slot
 * refusals pass through as they are: formatGraphqlError gives them their code, status and retry hint, the same for
 * every resolver and over HTTP.
 */
export function toGraphqlError(error: unknown): unknown {
  if (error instanceof TransientRefusalError) return error;
  if (error instanceof FedstrokeError) return new InferenceRefusal(error.code, error.message, statusOf(error));
  return error;
}

export function toHttpError(error: unknown): unknown {
  if (error instanceof FedstrokeError) {
    const status = statusOf(error);
    return new HttpException({ statusCode: status, code: error.code, message: error.message }, status);
  }
  return error;
}
