/**
 * SCAFFOLD's control variates (Karimireddy, Kale, Mohri, Reddi, Stich, Suresh, "SCAFFOLD: Stochastic Controlled
 * Averaging for Federated Learning", ICML 2020, Algorithm 1), as plain functions over Float32Array.
 *
 * Each site i keeps c_i and the server keeps c (both 0 at the start). In a round a site starting from the global
 * model x takes K local steps y ← y − η_k (d_k + c − c_i), where d_k is its optimizer's own step direction, then
 * (option II of the paper)
 *   c_i⁺ = c_i − c + (x − y) / (Σ_k η_k)
 *   Δc_i = c_i⁺ − c_i = (x − y) / (Σ_k η_k) − c
 * and sends (y, Δc_i). The server sets x ← x + η_g · Σ_{i∈S} a_i (y_i − x) and c ← c + (1/N) Σ_{i∈S} Δc_i, with N
 * the number of sites of the federation (so that c stays the mean of all c_i when some sites miss a round).
 *
 * Two choices of ours, both reducing to the paper under its assumptions:
 *  - The paper's local step is SGD with a constant η, so Σ_k η_k = K·η and d_k is the stochastic gradient. Our sites
 *    run Adam on a scheduled learning rate: the correction is added to Adam's step direction (as NVFlare's Scaffold
 *    does for any optimizer, after the optimizer step), and K·η becomes the sum of the round's step sizes. With plain
 *    SGD at a constant rate this is exactly option II (control-variates.spec.ts checks it by hand); with Adam it keeps
 *    c and c_i in the units of the step direction, where the correction acts.
 *  - x is FedAvg's sample-weighted mean (a_i = n_i / Σ n), as the other strategies here; the paper averages uniformly.
 */
import { InvalidArgumentError } from '@fedstroke/common';
import { AggregationError } from '../federation.errors';
import { assertSameLength, forEachChunk, outputBuffer } from '../aggregate/buffers';
import { weightedSumRange } from '../aggregate/weighted-sum';

/** What a site applies at every local step: c − c_i, added to the optimizer's step direction. */
export function scaffoldCorrection(serverControl: Float32Array, siteControl: Float32Array): Float32Array {
  assertControlLength(siteControl, serverControl.length, 'site control variate c_i');
  const out = new Float32Array(serverControl.length);
  for (let j = 0; j < out.length; j++) out[j] = serverControl[j] - siteControl[j];
  return out;
}

export interface SiteControlInput {
  /** x: the global model the round started from. */
  global: Float32Array;
  /** y: the site's model after its local steps. */
  local: Float32Array;
  /** c: the server control variate of the round. */
  serverControl: Float32Array;
  /** c_i: the site's control variate before the round. */
  siteControl: Float32Array;
  /** Σ_k η_k over the local steps taken (K·η for a constant rate). */
  stepSizeSum: number;
}

export interface SiteControlUpdate {
  /** c_i⁺, kept by the site for its next round. */
  next: Float32Array;
  /** Δc_i = c_i⁺ − c_i, sent to the server with the update. */
  delta: Float32Array;
}

/** Option II: c_i⁺ = c_i − c + (x − y) / Σ_k η_k, and Δc_i = c_i⁺ − c_i. */
export function scaffoldSiteControl(input: SiteControlInput): SiteControlUpdate {
  const { global, local, serverControl, siteControl, stepSizeSum } = input;
  if (!(Number.isFinite(stepSizeSum) && stepSizeSum > 0)) {
    throw new InvalidArgumentError(
      `scaffold: the sum of the round's step sizes must be a finite number > 0, got ${stepSizeSum} (no step was taken)`,
    );
  }
  const n = global.length;
  assertControlLength(local, n, 'local model y');
  assertControlLength(serverControl, n, 'server control variate c');
  assertControlLength(siteControl, n, 'site control variate c_i');
  const next = new Float32Array(n);
  const delta = new Float32Array(n);
  const inverse = 1 / stepSizeSum;
  for (let j = 0; j < n; j++) {
    const d = (global[j] - local[j]) * inverse - serverControl[j];
    delta[j] = d;
    next[j] = siteControl[j] + d;
  }
  return { next, delta };
}

/**
 * The server's step c ← c + (1/N) Σ_{i∈S} Δc_i, one streaming pass (float64 accumulation, as FedAvg's sum).
 * Never mutates its inputs; writes into `out` when given.
 */
export function scaffoldServerControl(
  control: Float32Array,
  deltas: readonly Float32Array[],
  totalSites: number,
  out?: Float32Array,
): Float32Array {
  if (!Number.isInteger(totalSites) || totalSites < deltas.length || totalSites < 1) {
    throw new InvalidArgumentError(
      `scaffold: totalSites (N) must be an integer ≥ 1 and ≥ the ${deltas.length} site(s) of the round, got ${totalSites}`,
    );
  }
  assertSameLength(deltas, control.length, (i) => `control-variate delta #${i + 1}`);
  const result = outputBuffer(out, control.length, [control, ...deltas]);
  const inputs = [control, ...deltas];
  const coefficients = Float64Array.from(inputs, (_, i) => (i === 0 ? 1 : 1 / totalSites));
  forEachChunk(control.length, (start, end) => weightedSumRange(inputs, coefficients, result, start, end));
  return result;
}

/** Why a control-variate delta may not be aggregated (wrong length, a non-finite value), or null when it may. */
export function controlDeltaProblem(delta: Float32Array | undefined, length: number): string | null {
  if (delta === undefined) return 'a SCAFFOLD update must carry its control-variate delta Δc_i';
  if (delta.length !== length) {
    return `control-variate delta has ${delta.length} values, expected ${length} (one per parameter)`;
  }
  for (let j = 0; j < delta.length; j++) {
    if (!Number.isFinite(delta[j])) return `control-variate delta value #${j} is ${delta[j]}, expected a finite number`;
  }
  return null;
}

function assertControlLength(values: Float32Array, length: number, name: string): void {
  if (values.length !== length) {
    throw new AggregationError('LENGTH_MISMATCH', `scaffold: ${name} has ${values.length} values, expected ${length}`);
  }
}
