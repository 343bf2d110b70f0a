import { FedstrokeError } from '@fedstroke/common';

/** The prediction and ground-truth folders cannot be paired case by case (ambiguous ids, nothing in common). */
export class CasePairingError extends FedstrokeError {
  constructor(message: string) {
    super('EVALUATE_CASE_PAIRING', message);
  }
}

/** A prediction holds values that are neither a mask nor probabilities (outside [0, 1], NaN). */
export class NotAMaskError extends FedstrokeError {
  constructor(message: string) {
    super('EVALUATE_NOT_A_MASK', message);
  }
}
