import { InvalidArgumentError } from '@fedstroke/common';
import type { SpatialDims } from '@fedstroke/training';

/** Parsers for numeric command-line flags; each error names the flag, the value given and what was expected. */
export function integerFlag(flag: string, text: string, min: number): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min)
    throw new InvalidArgumentError(`${flag} "${text}": expected an integer ≥ ${min}`);
  return value;
}

export function nonNegativeNumberFlag(flag: string, text: string, allowZero: boolean): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0))
    throw new InvalidArgumentError(`${flag} "${text}": expected a number ${allowZero ? '≥' : '>'} 0`);
  return value;
}

/** A probability in [0, 1]. */
export function probabilityFlag(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1)
    throw new InvalidArgumentError(`${flag} "${text}": expected a probability between 0 and 1`);
  return value;
}

/** `--patch P` (a cube) or `--patch DxHxW`. */
export function patchFlag(text: string): SpatialDims {
  const parts = text.split('x').map((p) => Number(p));
  const dims = parts.length === 1 ? [parts[0], parts[0], parts[0]] : parts;
  if (dims.length !== 3 || dims.some((d) => !Number.isSafeInteger(d) || d < 1))
    throw new InvalidArgumentError(`--patch "${text}": expected one edge (e.g. 48) or DxHxW (e.g. 32x48x48)`);
  return dims as SpatialDims;
}
