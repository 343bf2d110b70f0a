/**
 * The server side of one federated round, after Flower's `Strategy` (`configure_fit` / `aggregate_fit`): a strategy
 * says what sites should do this round and how their results become the next global model. Implementations are
 * small classes over the pure functions in ../aggregate; the only state any of them keeps is a server optimizer's
 * moments (FedAdam/FedYogi, FedAvg with server momentum) or SCAFFOLD's server control variate, exposed through getState/setState as named tensors so a
 * restarted coordinator continues exactly.
 */
import type { AggregateResult, ClientUpdate } from '../client-update';
import type { PrivacyOptions, PrivacyRecord } from '../privacy/clip-and-noise';

export const STRATEGY_NAMES = [
  'fedavg',
  'fedprox',
  'fedadam',
  'fedyogi',
  'median',
  'trimmed-mean',
  'scaffold',
] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

/** What happens when sites fail, after Flower's `min_fit_clients` / `accept_failures`. */
export interface FailurePolicy {
  /** Fewest accepted results a round may aggregate. */
  minResults: number;
  /** Whether a round may still aggregate when some invited sites dropped out or sent rejected updates. */
  acceptFailures: boolean;
}

/** What every site is told for one round; recorded on the round so the run can be audited and replayed. */
export interface RoundConfig {
  roundIndex: number;
  strategy: StrategyName;
  /** Length of the global model the sites receive, a cheap cross-check of the download. */
  numParameters: number;
  localSteps: number;
  learningRate: number;
  /** FedProx μ: weight of the proximal term (μ/2)·||w − w_global||² in the local loss; 0 = plain local training. */
  proximalMu: number;
  /** Clipping and noise applied at aggregation, with this round's noise seed; null when off. */
  privacy: PrivacyRecord | null;
}

export interface Strategy {
  readonly name: StrategyName;
  readonly failurePolicy: FailurePolicy;
  /**
   * What every site of round `roundIndex` trains with and what aggregation applies, decided when the round opens
   * (before any weights are read: `numParameters` is the global model's length), so it can be stored on the round.
   */
  configureRound(roundIndex: number, numParameters: number): RoundConfig;
  /**
   * The next global model from the accepted (already validated) results. Never mutates `global` or any update;
   * writes into `out` when given (it must not share memory with them). `roundIndex` seeds the noise and is
   * required when noise is configured. Throws AggregationError when fewer than `failurePolicy.minResults` results,
   * and AGGREGATE_REJECTED when the combined model fails the aggregate check (a stateful strategy's state is then
   * past that step: restore it with setState before aggregating again).
   */
  aggregate(
    global: Float32Array,
    results: readonly ClientUpdate[],
    out?: Float32Array,
    roundIndex?: number,
  ): AggregateResult;
}

/** Options every strategy takes. */
export interface StrategyOptions {
  localSteps: number;
  learningRate: number;
  failurePolicy?: Partial<FailurePolicy>;
  privacy?: PrivacyOptions | null;
}

/** A server optimizer's state between rounds: named float32 tensors (moments) and the count of completed steps. */
export interface StrategyState {
  tensors: Record<string, Float32Array>;
  step: number;
}

/** A strategy that carries state from one round's aggregation to the next. */
export interface StatefulStrategy extends Strategy {
  /** A copy of the state, or null while there is none yet (before the first aggregation, or none needed). */
  getState(): StrategyState | null;
  /** Restores what getState returned (copied); null resets to the initial state. */
  setState(state: StrategyState | null): void;
}

export function isStatefulStrategy(strategy: Strategy): strategy is StatefulStrategy {
  const candidate = strategy as Partial<StatefulStrategy>;
  return typeof candidate.getState === 'function' && typeof candidate.setState === 'function';
}
