/**
 * Adam / AdamW over contiguous Float32Array buffers, matching torch.optim.Adam (L2 weight decay added to the
 * gradient) and torch.optim.AdamW (decoupled decay: p ← p·(1 − lr·wd) before the update), both bias-corrected:
 *   m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²,  p ← p − (lr / (1−β1ᵗ)) · m / (√v / √(1−β2ᵗ) + ε)
 * One fused loop, no allocation per step. An optional FedProx proximal term μ/2‖w − w_global‖² adds μ(w − w_global)
 * to the gradient inside the same loop (Li et al., "Federated Optimization in Heterogeneous Networks", 2020), and an
 * optional step correction s (SCAFFOLD's c − c_i, Karimireddy et al., ICML 2020) is added to the step direction:
 *   p ← p − lr · (m̂ / (√v̂ + ε) + s)
 */
import type { OptimizerSpec } from './manifest';

export interface AdamState {
  /** First moment (torch: exp_avg). */
  m: Float32Array;
  /** Second moment (torch: exp_avg_sq). */
  v: Float32Array;
  /** Steps taken so far (torch: state['step']). */
  step: number;
}

export interface ProximalTerm {
  global: Float32Array;
  mu: number;
}

export function createAdamState(size: number): AdamState {
  return { m: new Float32Array(size), v: new Float32Array(size), step: 0 };
}

/** Applies one optimizer step in place to `params`, reading `grads`; advances `state`. */
export function adamStep(
  params: Float32Array,
  grads: Float32Array,
  state: AdamState,
  config: OptimizerSpec,
  proximal?: ProximalTerm,
  stepCorrection?: Float32Array,
): void {
  const n = params.length;
  if (
    grads.length !== n ||
    state.m.length !== n ||
    state.v.length !== n ||
    (proximal && proximal.global.length !== n) ||
    (stepCorrection && stepCorrection.length !== n)
  ) {
    throw new RangeError(`adamStep: buffers of different lengths (params ${n}, grads ${grads.length})`);
  }
  state.step += 1;
  const { lr, beta1, beta2, eps, weightDecay } = config;
  const stepSize = lr / (1 - beta1 ** state.step);
  const sqrtBias2 = Math.sqrt(1 - beta2 ** state.step);
  const decoupled = config.type === 'adamw';
  const decay = decoupled ? 1 - lr * weightDecay : 1;
  const l2 = decoupled ? 0 : weightDecay;
  // Without a proximal term, reading params as "global" makes (p − global) exactly 0: one loop serves both cases.
  const global = proximal ? proximal.global : params;
  const mu = proximal ? proximal.mu : 0;
  // Likewise a correction read from the (finite) gradients with weight 0 leaves the step as it is.
  const correction = stepCorrection ?? grads;
  const correctionLr = stepCorrection ? lr : 0;
  const { m, v } = state;
  const oneMinusBeta1 = 1 - beta1;
  const oneMinusBeta2 = 1 - beta2;
  for (let i = 0; i < n; i++) {
    const p = params[i];
    const g = grads[i] + l2 * p + mu * (p - global[i]);
    const mi = beta1 * m[i] + oneMinusBeta1 * g;
    const vi = beta2 * v[i] + oneMinusBeta2 * g * g;
    m[i] = mi;
    v[i] = vi;
    params[i] = p * decay - (stepSize * mi) / (Math.sqrt(vi) / sqrtBias2 + eps) - correctionLr * correction[i];
  }
}
