/**
 * Adaptive server optimizers of Reddi, Charles, Zaheer, Garrett, Rush, Konečný, Kumar, McMahan, "Adaptive Federated
 * Optimization", ICLR 2021 (Algorithm 2). The averaged site delta Δ = mean_i(w_i) − w_global is treated as a
 * pseudo-gradient:
 *   m ← β1·m + (1 − β1)·Δ
 *   v ← β2·v + (1 − β2)·Δ²                      (FedAdam)
 *   v ← v − (1 − β2)·Δ²·sign(v − Δ²)            (FedYogi)
 *   w ← w_global + η_t · m / (√v + τ)
 * with v starting at τ² (the paper's v₋₁ ≥ τ²) and m at 0. η_t = η, or with `biasCorrection`
 * η·√(1 − β2^t) / (1 − β1^t) as Flower does (Kingma & Ba's α_t); the paper itself uses no bias correction.
 */
import type { ClientUpdate } from '../client-update';
import { AggregationError } from '../federation.errors';
import type { PrivacyRecord } from '../privacy/clip-and-noise';
import { outputBuffer } from './buffers';
import { planWeightedMean, sampleWeights, writeWeightedMean } from './weighted-mean';

export type AdaptiveOptimizerKind = 'adam' | 'yogi';

export interface AdaptiveOptimizerOptions {
  kind: AdaptiveOptimizerKind;
  /** η, the server learning rate. */
  eta: number;
  beta1: number;
  beta2: number;
  /** τ, the adaptivity floor. */
  tau: number;
  biasCorrection: boolean;
}

/** The server's moment estimates, in float32 like the model; `step` counts completed server steps. */
export interface ServerOptimizerState {
  m: Float32Array;
  v: Float32Array;
  step: number;
}

export function initialServerState(length: number, tau: number): ServerOptimizerState {
  return { m: new Float32Array(length), v: new Float32Array(length).fill(tau * tau), step: 0 };
}

/** η_t for server step t (1-based). */
export function serverLearningRate(options: AdaptiveOptimizerOptions, step: number): number {
  if (!options.biasCorrection) return options.eta;
  return (options.eta * Math.sqrt(1 - options.beta2 ** step)) / (1 - options.beta1 ** step);
}

/**
 * One moment update over [start, end): `model` holds the averaged site models on entry and the new global model on
 * exit; m and v (the optimizer's own state) are updated in place.
 */
export function adaptiveStepRange(
  global: Float32Array,
  model: Float32Array,
  state: ServerOptimizerState,
  options: AdaptiveOptimizerOptions,
  eta: number,
  start: number,
  end: number,
): void {
  const { m, v } = state;
  const { beta1, beta2, tau } = options;
  const yogi = options.kind === 'yogi';
  for (let j = start; j < end; j++) {
    const delta = model[j] - global[j];
    const delta2 = delta * delta;
    const mj = beta1 * m[j] + (1 - beta1) * delta;
    const vOld = v[j];
    const vj = yogi ? vOld - (1 - beta2) * delta2 * Math.sign(vOld - delta2) : beta2 * vOld + (1 - beta2) * delta2;
    m[j] = mj;
    v[j] = vj;
    // The update reads the float32-stored moments, so a restart from getState() continues bit for bit.
    model[j] = global[j] + (eta * m[j]) / (Math.sqrt(v[j]) + tau);
  }
}

/** FedAdam / FedYogi: average the (clipped, noised) site models, then take one server step on the mean delta. */
export function fedAdaptive(
  global: Float32Array,
  results: readonly ClientUpdate[],
  state: ServerOptimizerState,
  options: AdaptiveOptimizerOptions,
  aggregation: { out?: Float32Array; privacy?: PrivacyRecord | null } = {},
): { weights: Float32Array; clippedUpdates: number; noiseStd: number } {
  if (state.m.length !== global.length || state.v.length !== global.length) {
    throw new AggregationError(
      'LENGTH_MISMATCH',
      `server optimizer state has ${state.m.length}/${state.v.length} moments, expected ${global.length} (global length)`,
    );
  }
  const plan = planWeightedMean(global, results, sampleWeights(results), aggregation.privacy ?? null);
  const out = outputBuffer(aggregation.out, global.length, [global, state.m, state.v, ...plan.inputs]);
  const eta = serverLearningRate(options, state.step + 1);
  writeWeightedMean(plan, out, (start, end) => adaptiveStepRange(global, out, state, options, eta, start, end));
  state.step += 1;
  return { weights: out, clippedUpdates: plan.clippedUpdates, noiseStd: plan.noiseStd };
}
