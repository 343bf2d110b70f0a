/**
 * The checks every app's configuration shares (coordinator, site agent). Each failure is the app's own error class,
 * made by the `refuse` function the app passes, with a message that starts with the variable's name, states the
 * constraint and shows the value it got; the same checks run whether a value came from the environment or from a
 * config built in code (CLI flags, tests).
 */
import { isAbsolute } from 'node:path';

/** Makes the app's error for a variable that breaks a constraint, e.g. `new ConfigError(variable, constraint)`. */
export type RefuseConfig = (variable: string, constraint: string) => Error;

export interface ConfigChecks {
  /** An integer in [min, max]. */
  integerInRange(variable: string, value: number, min: number, max: number): number;
  /** An integer variable as text; unset or empty keeps the default (undefined). */
  optionalInteger(variable: string, raw: string | undefined): number | undefined;
  /** A true/false variable (also 1/0, yes/no, any case); unset or empty keeps the default (undefined). */
  optionalBoolean(variable: string, raw: string | undefined): boolean | undefined;
  /** Text that is not blank. */
  required(variable: string, value: string): string;
  /** One of a fixed set of words. */
  oneOf<T extends string>(variable: string, value: string, allowed: readonly T[]): T;
  /** An absolute path (left as given). */
  absolutePath(variable: string, value: string): string;
  /** An http: or https: URL, returned without trailing slashes; `example` shows the expected form. */
  httpUrl(variable: string, value: string, example: string): string;
}

/** An empty variable counts as unset, as shells and compose files write `VAR=` for "no value". */
export function emptyAsUnset(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

export function configChecks(refuse: RefuseConfig): ConfigChecks {
  return {
    integerInRange(variable, value, min, max) {
      if (!Number.isInteger(value) || value < min || value > max) {
        throw refuse(variable, `must be an integer in [${min}, ${max}] (got ${value})`);
      }
      return value;
    },
    optionalInteger(variable, raw) {
      if (raw === undefined || raw === '') return undefined;
      if (!/^-?\d+$/.test(raw.trim())) throw refuse(variable, `must be an integer (got "${raw}")`);
      return Number(raw);
    },
    optionalBoolean(variable, raw) {
      if (raw === undefined || raw === '') return undefined;
      const value = raw.trim().toLowerCase();
      if (['true', '1', 'yes'].includes(value)) return true;
      if (['false', '0', 'no'].includes(value)) return false;
      throw refuse(variable, `must be true or false (also 1/0, yes/no; got "${raw}")`);
    },
    required(variable, value) {
      if (value.trim() === '') throw refuse(variable, 'is required (got an empty value)');
      return value;
    },
    oneOf<T extends string>(variable: string, value: string, allowed: readonly T[]): T {
      if (!(allowed as readonly string[]).includes(value)) {
        throw refuse(variable, `must be one of ${allowed.join(', ')} (got "${value}")`);
      }
      return value as T;
    },
    absolutePath(variable, value) {
      if (!isAbsolute(value)) throw refuse(variable, `must be an absolute path (got "${value}")`);
      return value;
    },
    httpUrl(variable, value, example) {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        throw refuse(variable, `must be an http(s) URL such as ${example} (got "${value}")`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw refuse(variable, `must use http or https (got ${url.protocol})`);
      }
      return value.replace(/\/+$/, '');
    },
  };
}
