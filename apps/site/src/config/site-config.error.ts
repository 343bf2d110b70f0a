import { FedstrokeError } from '@fedstroke/common';

/** A site agent setting (environment variable or flag) that breaks its constraint; names the setting. */
export class SiteConfigError extends FedstrokeError {
  constructor(
    readonly setting: string,
    detail: string,
  ) {
    super('SITE_CONFIG', `${setting} ${detail}`);
  }
}
