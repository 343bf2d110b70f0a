import { FedstrokeError } from '@fedstroke/common';

/** A configuration value that breaks its constraint; the message starts with the variable's name. */
export class ConfigError extends FedstrokeError {
  constructor(
    readonly variable: string,
    constraint: string,
  ) {
    super('INVALID_CONFIG', `${variable} ${constraint}`);
  }
}
