import { FedstrokeError } from '@fedstroke/common';

/**
 * Why a secure-aggregation step refused to go on. Every code is a reason a data-protection officer can read:
 * the round is not unmasked, and nothing about one site's update is revealed.
 */
export type SecureAggregationErrorCode =
  /** Parameters that cannot give the guarantee (threshold too low for the neighbourhood, too few sites, ...). */
  | 'BAD_PARAMETERS'
  /** A roster, share or masked input that does not fit the round (unknown site, wrong key length, wrong round). */
  | 'BAD_MESSAGE'
  /** A share envelope that does not decrypt under the pair's key: tampered, misaddressed, or from another round. */
  | 'BAD_SHARE'
  /** Fewer sites than the threshold at some step: the round fails and nothing is unmasked. */
  | 'BELOW_THRESHOLD'
  /** An unmasking request an honest site must refuse: it would reveal both secrets of one site. */
  | 'UNSAFE_UNMASK_REQUEST'
  /** Shares that do not reconstruct the committed secret (a corrupt or lying responder). */
  | 'RECONSTRUCTION_FAILED'
  /** A value outside the fixed-point range, or a sum that overflowed it. */
  | 'ENCODING_RANGE';

export class SecureAggregationError extends FedstrokeError {
  constructor(
    override readonly code: SecureAggregationErrorCode,
    message: string,
  ) {
    super(code, message);
  }
}
