/**
 * FedAvg (McMahan et al., AISTATS 2017) and FedProx (Li, Sahu, Zaheer, Sanjabi, Talwalkar, Smith, "Federated
 * Optimization in Heterogeneous Networks", MLSys 2020). FedProx changes only what sites do — they add the proximal
 * term (μ/2)·||w − w_global||² to their local loss — so the server aggregates exactly as FedAvg and sends μ in
 * the round config. Both take an optional server step size and server momentum (FedAvgM, ../aggregate/server-momentum.ts);
 * with the defaults (η_s = 1, β = 0) the new global model is exactly the weighted mean.
 */
import type { AggregateResult, ClientUpdate } from '../client-update';
import { outputBuffer } from '../aggregate/buffers';
import { serverMomentumStepRange, type ServerMomentumOptions } from '../aggregate/server-momentum';
import { fedAvg, planWeightedMean, sampleWeights, writeWeightedMean } from '../aggregate/weighted-mean';
import type { PrivacyRecord } from '../privacy/clip-and-noise';
import { BaseStrategy } from './base.strategy';
import type { StatefulStrategy, StrategyName, StrategyOptions, StrategyState } from './strategy';
import { aggregateMetrics, assertInRange, requireTensors } from './strategy-support';

export interface ServerMomentumHyperparameters {
  /** η_s (default 1). */
  serverLearningRate?: number;
  /** β in [0, 1) (default 0: no momentum, no state). */
  serverMomentum?: number;
}

export class FedAvgStrategy extends BaseStrategy implements StatefulStrategy {
  readonly name: StrategyName = 'fedavg';
  private readonly server: ServerMomentumOptions;
  private velocity: Float32Array | null = null;
  private steps = 0;

  constructor(options: StrategyOptions, server: ServerMomentumHyperparameters = {}, name: StrategyName = 'fedavg') {
    super(options, name);
    this.server = { serverLearningRate: server.serverLearningRate ?? 1, momentum: server.serverMomentum ?? 0 };
    assertInRange(this.server.serverLearningRate, `${name}.serverLearningRate`, 0, Number.MAX_VALUE, '(]');
    assertInRange(this.server.momentum, `${name}.serverMomentum`, 0, 1, '[)');
  }

  protected combine(
    global: Float32Array,
    results: readonly ClientUpdate[],
    privacy: PrivacyRecord | null,
    out: Float32Array | undefined,
  ): AggregateResult {
    const plain = this.server.serverLearningRate === 1 && this.server.momentum === 0;
    const { weights, clippedUpdates, noiseStd } = plain
      ? fedAvg(global, results, { out, privacy })
      : this.meanWithServerStep(global, results, privacy, out);
    this.steps += 1;
    return { weights, metrics: aggregateMetrics(results, clippedUpdates, noiseStd) };
  }

  protected override stateTensors(): Record<string, Float32Array> {
    return this.velocity === null ? {} : { velocity: this.velocity };
  }

  /** The server momentum u and the step count; null when momentum is off (nothing to carry) or before round 1. */
  getState(): StrategyState | null {
    if (this.velocity === null) return null;
    return { tensors: { velocity: this.velocity.slice() }, step: this.steps };
  }

  setState(state: StrategyState | null): void {
    if (state === null) {
      this.velocity = null;
      this.steps = 0;
      return;
    }
    const [velocity] = requireTensors(state, ['velocity'], this.name);
    this.velocity = velocity.slice();
    this.steps = state.step;
  }

  private meanWithServerStep(
    global: Float32Array,
    results: readonly ClientUpdate[],
    privacy: PrivacyRecord | null,
    out: Float32Array | undefined,
  ): { weights: Float32Array; clippedUpdates: number; noiseStd: number } {
    if (this.server.momentum > 0 && this.velocity?.length !== global.length) {
      this.velocity = new Float32Array(global.length);
    }
    const velocity = this.server.momentum > 0 ? this.velocity : null;
    const plan = planWeightedMean(global, results, sampleWeights(results), privacy);
    const weights = outputBuffer(out, global.length, [global, ...plan.inputs, ...(velocity ? [velocity] : [])]);
    writeWeightedMean(plan, weights, (start, end) =>
      serverMomentumStepRange(global, weights, velocity, this.server, start, end),
    );
    return { weights, clippedUpdates: plan.clippedUpdates, noiseStd: plan.noiseStd };
  }
}

/**
 * FedProx's μ where a federation names none: the coordinator's default and simulate's. On the default synthetic
 * set it beat FedAvg on four seeds of five (docs/experiments/learning-quality.md, sixth session).
 */
export const DEFAULT_PROXIMAL_MU = 0.01;

export class FedProxStrategy extends FedAvgStrategy {
  override readonly name: StrategyName = 'fedprox';

  constructor(
    options: StrategyOptions,
    private readonly mu: number,
    server: ServerMomentumHyperparameters = {},
  ) {
    super(options, server, 'fedprox');
    assertInRange(mu, 'fedprox.proximalMu', 0, Number.MAX_VALUE, '[]');
  }

  protected override proximalMu(): number {
    return this.mu;
  }
}
