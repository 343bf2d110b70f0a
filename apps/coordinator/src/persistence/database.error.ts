import { FedstrokeError } from '@fedstroke/common';

/** A database that cannot be opened, migrated or read back as the records expect. */
export class DatabaseError extends FedstrokeError {
  constructor(message: string, cause?: unknown) {
    super('DATABASE_ERROR', message, { cause });
  }
}

/** The configured PostgreSQL server did not answer at boot; the message names the (masked) URL and the cause. */
export class DatabaseUnreachableError extends FedstrokeError {
  constructor(maskedUrl: string, cause: unknown) {
    super(
      'DATABASE_UNREACHABLE',
      `FEDSTROKE_DATABASE_URL=${maskedUrl}: cannot connect to PostgreSQL (${describeCause(cause)}); ` +
        'expected a running PostgreSQL server (12 or newer) at that host and port whose database exists and accepts ' +
        'these credentials, or unset FEDSTROKE_DATABASE_URL to use the embedded SQLite database',
      { cause },
    );
  }
}

/**
 * A driver error as one line. Node reports a refused connection to a name with several addresses (localhost: ::1
 * and 127.0.0.1) as an AggregateError with an empty message, so its inner errors are listed instead. Checked by
 * shape, not `instanceof`: socket errors may come from another realm (a vm context, as under jest).
 */
export function describeCause(cause: unknown): string {
  if (typeof cause !== 'object' || cause === null) return String(cause);
  const { errors, message, code, name } = cause as {
    errors?: unknown;
    message?: unknown;
    code?: unknown;
    name?: unknown;
  };
  if (Array.isArray(errors) && errors.length > 0) return errors.map(describeCause).join('; ');
  if (typeof message === 'string' && message !== '') return message;
  return typeof code === 'string' ? code : String(name ?? cause);
}
