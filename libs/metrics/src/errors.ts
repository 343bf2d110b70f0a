import { FedstrokeError } from '@fedstroke/common';

/** Two inputs that must cover the same voxels do not, or an array does not fill the grid it claims. */
export class MetricsShapeMismatchError extends FedstrokeError {
  constructor(message: string) {
    super('METRICS_SHAPE_MISMATCH', message);
  }
}

/** A summary was asked of no values, or of values that are not finite numbers. */
export class MetricsInputError extends FedstrokeError {
  constructor(message: string) {
    super('METRICS_INVALID_INPUT', message);
  }
}
