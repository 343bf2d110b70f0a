/**
 * The site agent's log: @fedstroke/common's EventLog, the same JSON lines as the coordinator's (level, time, site,
 * event, fields), so a hospital ships both with the same collector. Tokens and voxels never go in.
 */
import { EventLog } from '@fedstroke/common';

export type { LogFields } from '@fedstroke/common';

export class SiteLogger extends EventLog {}
