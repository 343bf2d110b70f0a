import type { CoordinatorConfig } from './coordinator-config';

/** The one place the rest of the app reads configuration from (injected; never `process.env`). */
export class CoordinatorConfigService {
  constructor(private readonly config: CoordinatorConfig) {}

  get<K extends keyof CoordinatorConfig>(key: K): CoordinatorConfig[K] {
    return this.config[key];
  }
}
