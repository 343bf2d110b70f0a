import { FedstrokeError } from '@fedstroke/common';

/** A prediction and its ground truth are not on the same voxel grid, so voxel-wise metrics would be meaningless. */
export class GridMismatchError extends FedstrokeError {
  constructor(message: string) {
    super('EVALUATE_GRID_MISMATCH', message);
  }
}

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
