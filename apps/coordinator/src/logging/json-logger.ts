/**
 * Structured logs: one JSON object per line on stdout, so platform teams can ship them as-is.
 * `event(name, fields)` is what the app's own code calls; the LoggerService methods carry Nest's internal messages.
 */
import type { LoggerService } from '@nestjs/common';
import type { LogLevel } from '../config/coordinator-config';

const SEVERITY: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export type LogFields = Record<string, string | number | boolean | null | undefined>;

export class JsonLogger implements LoggerService {
  constructor(
    private readonly level: LogLevel,
    private readonly write: (line: string) => void = (line) => process.stdout.write(line),
  ) {}

  event(level: Exclude<LogLevel, 'silent'>, event: string, fields: LogFields = {}): void {
    if (SEVERITY[level] < SEVERITY[this.level]) return;
    this.write(`${JSON.stringify({ time: new Date().toISOString(), level, event, ...fields })}\n`);
  }

  log(message: unknown, context?: string): void {
    this.event('info', 'nest', { context, message: String(message) });
  }
  error(message: unknown, stackOrContext?: string, context?: string): void {
    this.event('error', 'nest', { context: context ?? stackOrContext, message: String(message) });
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
