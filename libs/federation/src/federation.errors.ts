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

/** A round was asked to move between two states that its lifecycle does not connect (e.g. completed → collecting). */
export class RoundTransitionError extends FedstrokeError {
  constructor(
    readonly roundId: string,
    readonly from: string,
    readonly to: string,
    why: string,
  ) {
    super('INVALID_ROUND_TRANSITION', `round ${roundId}: cannot go from '${from}' to '${to}': ${why}`);
  }
}

/** An update or drop named a site that is not pending in this round (never invited, or already reported). */
export class RoundParticipationError extends FedstrokeError {
  constructor(
    override readonly code: 'UNKNOWN_SITE' | 'ALREADY_REPORTED',
    readonly roundId: string,
    readonly siteId: string,
    message: string,
  ) {
    super(code, `round ${roundId}, site ${siteId}: ${message}`);
  }
}

/** A federation was asked to move between two states that its lifecycle does not connect (e.g. cancelled → running). */
export class FederationTransitionError extends FedstrokeError {
  constructor(
    readonly from: string,
    readonly to: string,
    allowed: readonly string[],
    why?: string,
  ) {
    const next = allowed.length > 0 ? allowed.map((s) => `'${s}'`).join(', ') : 'none (it is final)';
    super(
      'INVALID_FEDERATION_TRANSITION',
      `federation: cannot go from '${from}' to '${to}'${why ? `: ${why}` : ''}; from '${from}' the allowed next ` +
        `states are ${next}`,
    );
  }
}
