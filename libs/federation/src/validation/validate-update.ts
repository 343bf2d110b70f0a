/**
 * Checks one site update before it may reach aggregation. A rejection is a value, not an exception: the coordinator
 * records the reason on the participation and aggregates the others, so a bad update never poisons the average.
 * Checks run cheapest first; the single pass over the weights both finds non-finite values (reporting the first bad
 * index) and measures the delta norm against the global model.
 */
import { InvalidArgumentError } from '@fedstroke/common';
import type { UpdateEnvelope } from '../client-update';
import { firstNonFinite, squaredDistance } from '../aggregate/norms';

export type RejectionCode =
  | 'STALE_ROUND'
  | 'WRONG_BASE_MODEL'
  | 'LAYOUT_MISMATCH'
  | 'LENGTH_MISMATCH'
  | 'TOO_FEW_SAMPLES'
  | 'NON_FINITE_METRIC'
  | 'NON_FINITE'
  | 'NORM_EXCEEDED';

export interface RejectionReason {
  code: RejectionCode;
  message: string;
}

export type ValidationResult = { ok: true; deltaNorm: number | null } | { ok: false; reason: RejectionReason };

export interface UpdateExpectation {
  /** Number of parameters of the global model. */
  length: number;
  /** sha256 (hex) of the manifest's parameter layout. */
  layoutSha256: string;
  /** The round currently collecting; an update for any other round is stale. */
  roundId: string;
  /** The global model this round published; the update must have been trained from it. */
  baseModelId: string;
  /** Smallest acceptable sample count (≥ 1). */
  minSamples: number;
  /** Bound on ||w − w_global||₂; needs `global`. */
  maxNorm?: number;
  /** Where the bound came from (an explicit setting, or defaultUpdateNormBound's rule), for the rejection message. */
  maxNormRule?: string;
  global?: Float32Array;
}

function reject(code: RejectionCode, message: string): ValidationResult {
  return { ok: false, reason: { code, message } };
}

export function validateUpdate(update: UpdateEnvelope, expectation: UpdateExpectation): ValidationResult {
  const { maxNorm, global } = expectation;
  if (maxNorm !== undefined && (global === undefined || global.length !== expectation.length)) {
    throw new InvalidArgumentError(
      'validateUpdate: expectation.maxNorm needs expectation.global of expectation.length',
    );
  }
  const site = `update from site ${update.siteId}`;
  if (update.roundId !== expectation.roundId) {
    return reject('STALE_ROUND', `${site} is for round ${update.roundId}; the current round is ${expectation.roundId}`);
  }
  if (update.baseModelId !== expectation.baseModelId) {
    return reject(
      'WRONG_BASE_MODEL',
      `${site} was trained from model ${update.baseModelId}; this round published ${expectation.baseModelId}`,
    );
  }
  if (update.layoutSha256 !== expectation.layoutSha256) {
    return reject(
      'LAYOUT_MISMATCH',
      `${site} has parameter layout ${update.layoutSha256}; the model's manifest layout is ${expectation.layoutSha256}`,
    );
  }
  if (update.weights.length !== expectation.length) {
    return reject('LENGTH_MISMATCH', `${site} has ${update.weights.length} parameters, expected ${expectation.length}`);
  }
  if (!(Number.isSafeInteger(update.numSamples) && update.numSamples >= Math.max(1, expectation.minSamples))) {
    return reject(
      'TOO_FEW_SAMPLES',
      `${site} reports ${update.numSamples} samples; expected an integer ≥ ${Math.max(1, expectation.minSamples)}`,
    );
  }
  for (const [name, value] of Object.entries(update.metrics)) {
    if (!Number.isFinite(value)) return reject('NON_FINITE_METRIC', `${site} reports metric ${name} = ${value}`);
  }
  // Σ (w − g)² in float64; NaN or ±∞ in w make it non-finite, finite float32 never overflow it.
  const sumSquares = squaredDistance(update.weights, global);
  if (!Number.isFinite(sumSquares)) {
    const index = firstNonFinite(update.weights);
    if (index < 0) throw new InvalidArgumentError('validateUpdate: expectation.global itself holds non-finite values');
    return reject('NON_FINITE', `${site} has a non-finite value (${update.weights[index]}) at parameter ${index}`);
  }
  const deltaNorm = global === undefined ? null : Math.sqrt(sumSquares);
  if (maxNorm !== undefined && deltaNorm !== null && deltaNorm > maxNorm) {
    const rule = expectation.maxNormRule ? ` (${expectation.maxNormRule})` : '';
    return reject(
      'NORM_EXCEEDED',
      `${site} moves the model by ||Δ|| = ${deltaNorm.toPrecision(6)}, bound ${maxNorm}${rule}`,
    );
  }
  return { ok: true, deltaNorm };
}

/** Splits updates into those that may be aggregated and those rejected, each rejection with its reason. */
export function partitionUpdates<T extends UpdateEnvelope>(
  updates: readonly T[],
  expectation: UpdateExpectation,
): { accepted: T[]; rejected: Array<{ siteId: string; reason: RejectionReason }> } {
  const accepted: T[] = [];
  const rejected: Array<{ siteId: string; reason: RejectionReason }> = [];
  for (const update of updates) {
    const result = validateUpdate(update, expectation);
    if (result.ok) accepted.push(update);
    else rejected.push({ siteId: update.siteId, reason: result.reason });
  }
  return { accepted, rejected };
}
