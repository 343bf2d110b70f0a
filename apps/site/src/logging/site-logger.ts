/**
 * Structured logs: one JSON object per line (time, level, event, site, then the event's fields), the shape the
 * coordinator logs in too, so a hospital ships both with the same collector. Tokens and voxels never go in.
 */
import type { SiteLogLevel } from '../config/site-config';

const RANK: Record<SiteLogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export type LogFields = Record<string, string | number | boolean | null | undefined>;

export class SiteLogger {
  private readonly context: LogFields = {};

  constructor(
    private readonly level: SiteLogLevel,
    private readonly write: (line: string) => void = (line) => process.stdout.write(line),
  ) {}

  /** Fields added to every later line (the site's id and name once it has authenticated). */
  bind(fields: LogFields): void {
    Object.assign(this.context, fields);
  }

  event(level: Exclude<SiteLogLevel, 'silent'>, event: string, fields: LogFields = {}): void {
    if (RANK[level] < RANK[this.level]) return;
    this.write(`${JSON.stringify({ time: new Date().toISOString(), level, event, ...this.context, ...fields })}\n`);
  }
}
