/**
 * The shared configuration checks (`configChecks` in @fedstroke/common), refusing with the coordinator's ConfigError:
 * each message starts with the variable's name, states the constraint and shows the value it got.
 */
import { configChecks } from '@fedstroke/common';
import { ConfigError } from './config.error';

export { emptyAsUnset } from '@fedstroke/common';

export const { integerInRange, optionalInteger, optionalBoolean, required, oneOf, absolutePath } = configChecks(
  (variable, constraint) => new ConfigError(variable, constraint),
);
