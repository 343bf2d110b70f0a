/**
 * The checks every configuration section shares. Each failure is a ConfigError whose message starts with the
 * variable's name, states the constraint and shows the value it got, whether the value came from the environment
 * or from a config built in code.
 */
import { ConfigError } from './config.error';

export function integerInRange(variable: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(variable, `must be an integer in [${min}, ${max}] (got ${value})`);
  }
  return value;
}

/** An integer variable as text; unset or empty keeps the default (undefined). */
export function optionalInteger(variable: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(variable, `must be an integer (got "${raw}")`);
  return Number(raw);
}

/** A true/false variable (also 1/0, yes/no); unset or empty keeps the default (undefined). */
export function optionalBoolean(variable: string, raw: string | undefined): boolean | undefined {
  if (raw === undefined || raw === '') return undefined;
  const value = raw.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(value)) return true;
  if (['false', '0', 'no'].includes(value)) return false;
  throw new ConfigError(variable, `must be true or false (got "${raw}")`);
}

export function requireNonEmpty(variable: string, value: string): string {
  if (value.trim() === '') throw new ConfigError(variable, 'must not be empty');
  return value;
}

/** An empty variable counts as unset, as shells and compose files write `VAR=` for "no value". */
export function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
