import { FedstrokeError } from '@fedstroke/common';

/** A U-Net configuration that breaks a constraint; the message names the field, the constraint and the value. */
export class UNetConfigError extends FedstrokeError {
  constructor(message: string) {
    super('INVALID_MODEL_CONFIG', message);
  }
}
