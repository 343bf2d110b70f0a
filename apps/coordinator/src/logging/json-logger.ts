/**
 * The coordinator's log: @fedstroke/common's EventLog (pino, one JSON object per line on stdout, so platform teams
 * ship it as-is) plus the LoggerService methods that carry Nest's own messages. `event(level, name, fields)` is
 * what the app's code calls. Nest's errors keep their stack trace.
 */
import type { LoggerService } from '@nestjs/common';
import { EventLog } from '@fedstroke/common';

export type { LogFields } from '@fedstroke/common';

export class JsonLogger extends EventLog implements LoggerService {
  log(message: unknown, context?: string): void {
    this.event('info', 'nest', { context, message: String(message) });
  }
  /** Nest calls error(message, stack, context) for exceptions and error(message, context) otherwise. */
  error(message: unknown, stackOrContext?: string, context?: string): void {
    const stack = context !== undefined ? stackOrContext : undefined;
    this.event('error', 'nest', {
      context: context ?? stackOrContext,
      message: String(message),
      stack: stack ?? (message instanceof Error ? message.stack : undefined),
    });
  }
  warn(message: unknown, context?: string): void {
    this.event('warn', 'nest', { context, message: String(message) });
  }
  debug(message: unknown, context?: string): void {
    this.event('debug', 'nest', { context, message: String(message) });
  }
  verbose(message: unknown, context?: string): void {
    this.event('debug', 'nest', { context, message: String(message) });
  }
}
