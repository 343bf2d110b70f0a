/** `@fedstroke/cli/testing`: the simulate machinery the end-to-end tests reuse to run real federations. */
export * from '../simulate/admin-client';
export * from '../simulate/baseline-job';
export * from '../simulate/baseline-lanes';
export * from '../simulate/child-process';
export * from '../simulate/site-folders';
export { baselineModelDir } from '../simulate/baselines';
