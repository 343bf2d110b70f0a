/** What other apps (the simulate command, tests) import from the coordinator. */
export { createCoordinatorApp, type CoordinatorApp, type CreateCoordinatorOptions } from './coordinator-app';
export {
  configFromEnvironment,
  resolveCoordinatorConfig,
  type CoordinatorConfig,
  type CoordinatorConfigInput,
} from './config/coordinator-config';
export type { InferenceConfig, InferenceConfigInput } from './config/inference-config';
export { ConfigError } from './config/config.error';
export { readStoredModelVersion, type StoredModelVersion } from './model-versions/stored-model-version';
