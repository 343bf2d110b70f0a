import { FedstrokeError } from '@fedstroke/common';

/** A safetensors file (or byte buffer) that is not well formed; the message names the source and the problem. */
export class SafetensorsFormatError extends FedstrokeError {
  constructor(source: string, problem: string) {
    super('SAFETENSORS_FORMAT', `${source}: not a valid safetensors file: ${problem}`);
  }
}

/** Training artifacts (manifest, models, checkpoint) that are missing, inconsistent or corrupt. */
export class ArtifactsError extends FedstrokeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ARTIFACTS_INVALID', message, options);
  }
}

/** A weights buffer or checkpoint that does not fit the model: wrong length, wrong layout or non-finite values. */
export class WeightsError extends FedstrokeError {
  constructor(message: string) {
    super('WEIGHTS_INVALID', message);
  }
}

/** An image / label tensor whose shape does not fit the network (channels, spatial multiple, batch). */
export class InputShapeError extends FedstrokeError {
  constructor(message: string) {
    super('INPUT_SHAPE', message);
  }
}

/** An execution provider that is unknown, or that failed to start when the caller asked for strict. */
export class ExecutionProviderError extends FedstrokeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('EXECUTION_PROVIDER', message, options);
  }
}
