/**
 * Parameters a site keeps to itself, in the spirit of FedBN (Li, Jiang, Zhang, Kamp, Dou, "FedBN: Federated Learning
 * on Non-IID Features via Local Batch Normalization", ICLR 2021): before each round the site puts its own values of
 * those parameters over the global model's, trains, and keeps the trained values for its next round. Which
 * parameters they are is the model's business (for the U-Net: every InstanceNorm's affine γ and β,
 * @fedstroke/unet instanceNormParameterNames); this file only moves them between buffers, by manifest ranges.
 */
import { InvalidArgumentError } from '@fedstroke/common';

export interface ParameterRange {
  offset: number;
  size: number;
}

/** The manifest ranges of `names`, in manifest order; every name must be a parameter of the manifest. */
export function parameterRanges(
  parameters: ReadonlyArray<{ name: string; offset: number; size: number }>,
  names: ReadonlySet<string>,
): ParameterRange[] {
  const known = new Set(parameters.map((p) => p.name));
  const missing = [...names].filter((name) => !known.has(name));
  if (missing.length > 0) {
    throw new InvalidArgumentError(
      `local parameters ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''} are not in the model's manifest`,
    );
  }
  return parameters.filter((p) => names.has(p.name)).map((p) => ({ offset: p.offset, size: p.size }));
}

export function rangesSize(ranges: readonly ParameterRange[]): number {
  return ranges.reduce((sum, r) => sum + r.size, 0);
}

/** The values of the ranges, concatenated in range order (a copy). */
export function takeLocalParameters(weights: Float32Array, ranges: readonly ParameterRange[]): Float32Array {
  const out = new Float32Array(rangesSize(ranges));
  for (const { offset, size, at } of placements(weights, ranges)) out.set(weights.subarray(offset, offset + size), at);
  return out;
}

/** A copy of `global` with `local` (as takeLocalParameters returned it) written over the ranges. */
export function withLocalParameters(
  global: Float32Array,
  ranges: readonly ParameterRange[],
  local: Float32Array,
): Float32Array {
  const expected = rangesSize(ranges);
  if (local.length !== expected) {
    throw new InvalidArgumentError(
      `local parameters hold ${local.length} values, the model's local ranges ${expected} (saved for another model?)`,
    );
  }
  const out = global.slice();
  for (const { offset, size, at } of placements(global, ranges)) out.set(local.subarray(at, at + size), offset);
  return out;
}

/** Each range with where it sits in the concatenated local values (`at`), checked to lie inside the model. */
function* placements(
  weights: Float32Array,
  ranges: readonly ParameterRange[],
): Generator<ParameterRange & { at: number }> {
  let at = 0;
  for (const { offset, size } of ranges) {
    if (offset < 0 || offset + size > weights.length) {
      throw new InvalidArgumentError(
        `parameter range [${offset}, ${offset + size}) lies outside ${weights.length} weights`,
      );
    }
    yield { offset, size, at };
    at += size;
  }
}
