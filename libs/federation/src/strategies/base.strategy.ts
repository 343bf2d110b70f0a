import type { AggregateResult, ClientUpdate } from '../client-update';
import type { PrivacyRecord } from '../privacy/clip-and-noise';
import type { FailurePolicy, RoundConfig, Strategy, StrategyName, StrategyOptions } from './strategy';
import { assertEnoughResults, privacyForAggregation, resolveCommonOptions, roundConfig } from './strategy-support';

/**
 * What every strategy does the same way: resolve the failure policy once, configure rounds from the options, and
 * check the failure policy and the privacy record before combining. Subclasses only say how updates combine.
 */
export abstract class BaseStrategy implements Strategy {
  abstract readonly name: StrategyName;
  readonly failurePolicy: FailurePolicy;

  /** `name` is passed in because subclass fields (their `name`) are not yet set while this constructor runs. */
  protected constructor(
    protected readonly options: StrategyOptions,
    name: StrategyName,
  ) {
    this.failurePolicy = resolveCommonOptions(options, name);
  }

  configureRound(roundIndex: number, globalWeights: Float32Array): RoundConfig {
    return roundConfig(this.name, this.options, roundIndex, globalWeights, this.proximalMu());
  }

  aggregate(
    global: Float32Array,
    results: readonly ClientUpdate[],
    out?: Float32Array,
    roundIndex?: number,
  ): AggregateResult {
    assertEnoughResults(this.failurePolicy, results, this.name);
    const privacy = privacyForAggregation(this.options.privacy, roundIndex, this.name);
    return this.combine(global, results, privacy, out);
  }

  /** The proximal weight μ sent to sites; only FedProx sends one. */
  protected proximalMu(): number {
    return 0;
  }

  protected abstract combine(
    global: Float32Array,
    results: readonly ClientUpdate[],
    privacy: PrivacyRecord | null,
    out: Float32Array | undefined,
  ): AggregateResult;
}
