import type { AggregateResult, ClientUpdate } from '../client-update';
import type { PrivacyRecord } from '../privacy/clip-and-noise';
import { assertAggregateAcceptable } from '../validation/aggregate-check';
import type { FailurePolicy, RoundConfig, Strategy, StrategyName, StrategyOptions } from './strategy';
import {
  assertEnoughResults,
  inContentOrder,
  privacyForAggregation,
  resolveCommonOptions,
  roundConfig,
} from './strategy-support';

/**
 * What every strategy does the same way: resolve the failure policy once, configure rounds from the options, check
 * the failure policy and the privacy record before combining, combine the updates in an order set by their content
 * (inContentOrder: not by their arrival, so the same updates give the same bits), and check the combined model
 * afterwards (finite, not grown tenfold: ../validation/aggregate-check.ts), so no strategy — server optimizers and
 * momentum included — can hand back a model that must not be served. Subclasses only say how updates combine.
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

  configureRound(roundIndex: number, numParameters: number): RoundConfig {
    return roundConfig(this.name, this.options, roundIndex, numParameters, this.proximalMu());
  }

  aggregate(
    global: Float32Array,
    results: readonly ClientUpdate[],
    out?: Float32Array,
    roundIndex?: number,
  ): AggregateResult {
    assertEnoughResults(this.failurePolicy, results, this.name);
    const privacy = privacyForAggregation(this.options.privacy, roundIndex, this.name);
    const result = this.combine(global, inContentOrder(results), privacy, out);
    // A rejected aggregate leaves a stateful strategy's moments advanced past it: restore them with setState.
    assertAggregateAcceptable(global, result.weights, this.name, this.stateTensors());
    return result;
  }

  /**
   * The server state this strategy carries into the next round (moments, momentum), checked with the aggregate: a
   * 3e38 update can leave FedAdam's model finite while its second moment overflows to ∞ and freezes those weights
   * for good. None by default.
   */
  protected stateTensors(): Record<string, Float32Array> {
    return {};
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
