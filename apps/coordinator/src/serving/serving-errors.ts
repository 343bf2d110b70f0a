import { FedstrokeError } from '@fedstroke/common';

/**
 * Why a model is not served, or a serving decision was refused; the code reaches GraphQL clients as
 * extensions.code. NO_SERVING_MODEL: nothing is promoted. MODEL_NOT_SERVED: a model version asked for by id was
 * never promoted, or was withdrawn. NOT_PROMOTABLE: round 0 (a starting point) or an unknown version.
 * NOTHING_TO_WITHDRAW: a withdrawal while no model is served.
 */
export type ServingErrorCode = 'NO_SERVING_MODEL' | 'MODEL_NOT_SERVED' | 'NOT_PROMOTABLE' | 'NOTHING_TO_WITHDRAW';

export class ServingError extends FedstrokeError {
  constructor(
    override readonly code: ServingErrorCode,
    message: string,
  ) {
    super(code, message);
  }
}
