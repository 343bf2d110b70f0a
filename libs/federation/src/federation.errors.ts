import { FedstrokeError } from '@fedstroke/common';

/**
 * Aggregation was asked for something it cannot do: too few results, buffers of the wrong length, an output buffer
 * that overlaps an input. These are caller bugs or policy violations; bad site data is what `validateUpdate` reports,
 * as a value, before aggregation. AGGREGATE_REJECTED is the last line behind it: the combined model itself failed the
 * aggregate check (non-finite, or grown tenfold), so it must not become the global model.
 */
export type AggregationErrorCode =
  'NOT_ENOUGH_RESULTS' | 'LENGTH_MISMATCH' | 'OUTPUT_ALIASES_INPUT' | 'BAD_SAMPLES' | 'AGGREGATE_REJECTED';

export class AggregationError extends FedstrokeError {
  constructor(
    override readonly code: AggregationErrorCode,
    message: string,
  ) {
    super(code, message);
  }
}
