import { FedstrokeError } from '@fedstroke/common';

/** Cases handed to training that cannot be used as given (no cases, mismatched channels or shapes). */
export class TrainingDataError extends FedstrokeError {
  constructor(message: string) {
    super('TRAINING_DATA', message);
  }
}

/** A resume checkpoint that is missing, unreadable or belongs to a different model or run configuration. */
export class ResumeStateError extends FedstrokeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('RESUME_STATE', message, options);
  }
}

/** The loop stopped on its abort signal; the last checkpoint (if any) holds the state at `step`. */
export class TrainingAbortedError extends FedstrokeError {
  constructor(
    readonly step: number,
    steps: number,
  ) {
    super('TRAINING_ABORTED', `training aborted after step ${step} of ${steps}`);
  }
}

/** The loss became NaN or infinite: the run cannot continue from these weights. */
export class TrainingDivergedError extends FedstrokeError {
  constructor(step: number, loss: number, learningRate: number) {
    super(
      'TRAINING_DIVERGED',
      `training diverged at step ${step}: loss ${loss} with learning rate ${learningRate}; lower the learning rate (--lr) or check the input intensities`,
    );
  }
}
