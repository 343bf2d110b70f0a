/**
 * The serving section of CoordinatorConfig: which model inference may use without an administrator promoting one.
 * Policy `completed-federation` (the default): when a federation COMPLETES, its final model is promoted if its
 * validation metric (`metric`, default valDice: the sites' Dice on their own validation cases in the last round,
 * sample-weighted) is at least `minValue` (default 0.5) — unless an administrator's choice is serving, which only an
 * administrator replaces. Policy `manual`: only promoteModelVersion serves a model. Round 0 (a starting point) and the
 * models of cancelled or failed federations are never promoted by the policy.
 */
import { ConfigError } from './config.error';
import { emptyAsUnset, oneOf } from './config-values';

export const SERVING_POLICIES = ['completed-federation', 'manual'] as const;
export type ServingPolicy = (typeof SERVING_POLICIES)[number];

export interface ServingConfig {
  policy: ServingPolicy;
  /** The model version metric the policy compares with minValue. */
  metric: string;
  minValue: number;
}

export type ServingConfigInput = Partial<ServingConfig>;

export const SERVING_DEFAULTS: ServingConfig = { policy: 'completed-federation', metric: 'valDice', minValue: 0.5 };

export function resolveServingConfig(input: ServingConfigInput = {}): ServingConfig {
  const policy = oneOf('FEDSTROKE_SERVING_POLICY', input.policy ?? SERVING_DEFAULTS.policy, SERVING_POLICIES);
  const metric = input.metric ?? SERVING_DEFAULTS.metric;
  if (!/^[A-Za-z][\w.-]{0,63}$/.test(metric)) {
    throw new ConfigError('FEDSTROKE_SERVING_METRIC', `must be a metric name like valDice (got "${metric}")`);
  }
  const minValue = input.minValue ?? SERVING_DEFAULTS.minValue;
  if (!Number.isFinite(minValue)) {
    throw new ConfigError('FEDSTROKE_SERVING_MIN_METRIC', `must be a finite number (got ${minValue})`);
  }
  return { policy, metric, minValue };
}

export function servingInputFromEnvironment(env: NodeJS.ProcessEnv): ServingConfigInput {
  const min = emptyAsUnset(env.FEDSTROKE_SERVING_MIN_METRIC);
  if (min !== undefined && !/^-?\d+(\.\d+)?$/.test(min.trim())) {
    throw new ConfigError('FEDSTROKE_SERVING_MIN_METRIC', `must be a number (got "${min}")`);
  }
  return {
    policy: emptyAsUnset(env.FEDSTROKE_SERVING_POLICY) as ServingPolicy | undefined,
    metric: emptyAsUnset(env.FEDSTROKE_SERVING_METRIC),
    minValue: min === undefined ? undefined : Number(min),
  };
}
