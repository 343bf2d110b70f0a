/**
 * FedAvg (McMahan et al., AISTATS 2017) and FedProx (Li, Sahu, Zaheer, Sanjabi, Talwalkar, Smith, "Federated
 * Optimization in Heterogeneous Networks", MLSys 2020). FedProx changes only what sites do — they add the proximal
 * term (μ/2)·||w − w_global||² to their local loss — so the server aggregates exactly as FedAvg and sends μ in
 * the round config.
 */
import type { AggregateResult, ClientUpdate } from '../client-update';
import { fedAvg } from '../aggregate/weighted-mean';
import type { FailurePolicy, RoundConfig, Strategy, StrategyName, StrategyOptions } from './strategy';
import {
  aggregateMetrics,
  assertEnoughResults,
  assertInRange,
  privacyForAggregation,
  resolveCommonOptions,
  roundConfig,
} from './strategy-support';

export class FedAvgStrategy implements Strategy {
  readonly name: StrategyName = 'fedavg';
  readonly failurePolicy: FailurePolicy;

  constructor(protected readonly options: StrategyOptions) {
    this.failurePolicy = resolveCommonOptions(options, this.name);
  }

  configureRound(roundIndex: number, globalWeights: Float32Array): RoundConfig {
    return roundConfig(this.name, this.options, roundIndex, globalWeights, 0);
  }

  aggregate(
    global: Float32Array,
    results: readonly ClientUpdate[],
    out?: Float32Array,
    roundIndex?: number,
  ): AggregateResult {
    assertEnoughResults(this.failurePolicy, results, this.name);
    const privacy = privacyForAggregation(this.options.privacy, roundIndex, this.name);
    const { weights, clippedUpdates, noiseStd } = fedAvg(global, results, { out, privacy });
    return { weights, metrics: aggregateMetrics(results, clippedUpdates, noiseStd) };
  }
}

export class FedProxStrategy extends FedAvgStrategy {
  override readonly name: StrategyName = 'fedprox';

  constructor(
    options: StrategyOptions,
    private readonly proximalMu: number,
  ) {
    super(options);
    assertInRange(proximalMu, 'fedprox.proximalMu', 0, Number.MAX_VALUE, '[]');
  }

  override configureRound(roundIndex: number, globalWeights: Float32Array): RoundConfig {
    return roundConfig(this.name, this.options, roundIndex, globalWeights, this.proximalMu);
  }
}
