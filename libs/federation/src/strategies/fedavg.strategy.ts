/**
 * FedAvg (McMahan et al., AISTATS 2017) and FedProx (Li, Sahu, Zaheer, Sanjabi, Talwalkar, Smith, "Federated
 * Optimization in Heterogeneous Networks", MLSys 2020). FedProx changes only what sites do — they add the proximal
 * term (μ/2)·||w − w_global||² to their local loss — so the server aggregates exactly as FedAvg and sends μ in
 * the round config.
 */
import type { AggregateResult, ClientUpdate } from '../client-update';
import { fedAvg } from '../aggregate/weighted-mean';
import type { PrivacyRecord } from '../privacy/clip-and-noise';
import { BaseStrategy } from './base.strategy';
import type { StrategyName, StrategyOptions } from './strategy';
import { aggregateMetrics, assertInRange } from './strategy-support';

export class FedAvgStrategy extends BaseStrategy {
  readonly name: StrategyName = 'fedavg';

  constructor(options: StrategyOptions) {
    super(options, 'fedavg');
  }

  protected combine(
    global: Float32Array,
    results: readonly ClientUpdate[],
    privacy: PrivacyRecord | null,
    out: Float32Array | undefined,
  ): AggregateResult {
    const { weights, clippedUpdates, noiseStd } = fedAvg(global, results, { out, privacy });
    return { weights, metrics: aggregateMetrics(results, clippedUpdates, noiseStd) };
  }
}

export class FedProxStrategy extends FedAvgStrategy {
  override readonly name: StrategyName = 'fedprox';

  constructor(
    options: StrategyOptions,
    private readonly mu: number,
  ) {
    super(options);
    assertInRange(mu, 'fedprox.proximalMu', 0, Number.MAX_VALUE, '[]');
  }

  protected override proximalMu(): number {
    return this.mu;
  }
}
