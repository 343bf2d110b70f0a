/**
 * A server step size and server momentum on FedAvg's mean: FedAvgM (Hsu, Qi, Brown, "Measuring the Effects of
 * Non-Identical Data Distribution for Federated Visual Classification", 2019) with the server learning rate of
 * Reddi et al. (ICLR 2021, Algorithm 1 with SGD on the server). The mean delta Δ = mean_i(w_i) − w_global is a
 * pseudo-gradient step:
 *   u ← β·u + Δ
 *   w ← w_global + η_s·u
 * η_s = 1, β = 0 is plain FedAvg. Why a federation wants more than that: each round averages K sites' local steps
 * into one step's worth of progress, so with few rounds the global model trains K times fewer sequential steps than
 * one model seeing the pooled data; η_s > 1 or β > 0 lets the server take a longer stride along the agreed direction.
 */
export interface ServerMomentumOptions {
  /** η_s, the server's step size on the mean delta. */
  serverLearningRate: number;
  /** β, the server momentum; 0 keeps no state. */
  momentum: number;
}

/**
 * One server step over [start, end): `model` holds the averaged site models on entry and the new global model on
 * exit. `velocity` (u) is updated in place; it is null when β = 0.
 */
export function serverMomentumStepRange(
  global: Float32Array,
  model: Float32Array,
  velocity: Float32Array | null,
  options: ServerMomentumOptions,
  start: number,
  end: number,
): void {
  const eta = options.serverLearningRate;
  if (velocity === null) {
    for (let j = start; j < end; j++) model[j] = global[j] + eta * (model[j] - global[j]);
    return;
  }
  const beta = options.momentum;
  for (let j = start; j < end; j++) {
    velocity[j] = beta * velocity[j] + (model[j] - global[j]);
    // Reads the float32-stored velocity, so a restart from saved state continues bit for bit.
    model[j] = global[j] + eta * velocity[j];
  }
}
