/**
 * Base of every error the project raises on purpose. `code` is stable and machine-readable (CLI exit reports,
 * GraphQL extensions); the message names the input, the constraint and what was expected.
 */
export class FedstrokeError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A user-supplied value (flag, config field, argument) that breaks a stated constraint. */
export class InvalidArgumentError extends FedstrokeError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
  }
}
