/**
 * The one structured log of coordinator and site agent: one JSON object per line (level, time, the bound fields,
 * event, the event's fields), written by pino, so a hospital ships both with the same collector. Tokens, weights and
 * voxels never go in; callers pass only names, ids, counts and reasons.
 */
import pino, { type Logger } from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

export type LogFields = Record<string, string | number | boolean | null | undefined>;

/** Where the lines go: stdout unless a test or an embedding host collects them. */
export type LogWrite = (line: string) => void;

export class EventLog {
  private logger: Logger;

  constructor(level: LogLevel, write: LogWrite = (line) => process.stdout.write(line)) {
    this.logger = pino(
      {
        level,
        base: undefined,
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
      },
      { write },
    );
  }

  /** Fields added to every later line (a site's id and name once it has authenticated). */
  bind(fields: LogFields): void {
    this.logger = this.logger.child(fields);
  }

  event(level: Exclude<LogLevel, 'silent'>, event: string, fields: LogFields = {}): void {
    this.logger[level]({ event, ...fields });
  }
}
