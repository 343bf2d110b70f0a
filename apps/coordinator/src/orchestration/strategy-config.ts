/**
 * Maps a federation's stored config onto libs/federation's StrategyConfig. Defaults for knobs the administrator
 * left out live here, in one place, so the round record shows exactly what was applied.
 */
import { InvalidArgumentError } from '@fedstroke/common';
import {
  createStrategy,
  DEFAULT_PROXIMAL_MU,
  type RoundConfig,
  type RoundRules,
  type StrategyConfig,
} from '@fedstroke/federation';
import type { UpdatePart } from '@fedstroke/protocol';
import type { FederationConfigRecord, FederationRecord, RoundRecord } from '../persistence/records';

export const DEFAULT_TRIM_RATIO = 0.1;

/**
 * `memberCount`: the federation's member sites now (SCAFFOLD's N); without it (a unit test, a record read alone)
 * N falls back to the seats of a round.
 */
export function toStrategyConfig(config: FederationConfigRecord, memberCount?: number): StrategyConfig {
  const params = config.strategyParams;
  const common = {
    localSteps: config.localSteps,
    learningRate: config.learningRate,
    failurePolicy: { minResults: config.minUpdatesAtDeadline, acceptFailures: true },
    privacy:
      params.clipNorm === undefined
        ? null
        : { clipNorm: params.clipNorm, noiseMultiplier: params.noiseMultiplier ?? 0, seed: params.noiseSeed ?? 0 },
  };
  const server = {
    ...(params.serverLearningRate !== undefined && { eta: params.serverLearningRate }),
    ...(params.beta1 !== undefined && { beta1: params.beta1 }),
    ...(params.beta2 !== undefined && { beta2: params.beta2 }),
    ...(params.tau !== undefined && { tau: params.tau }),
  };
  const momentum = {
    ...(params.serverLearningRate !== undefined && { serverLearningRate: params.serverLearningRate }),
    ...(params.serverMomentum !== undefined && { serverMomentum: params.serverMomentum }),
  };
  switch (config.strategy) {
    case 'FEDAVG':
      return { ...common, ...momentum, name: 'fedavg' };
    case 'FEDPROX':
      return {
        ...common,
        ...momentum,
        name: 'fedprox',
        proximalMu: config.strategyParams.proximalMu ?? DEFAULT_PROXIMAL_MU,
      };
    case 'FEDADAM':
      return { ...common, ...server, name: 'fedadam' };
    case 'FEDYOGI':
      return { ...common, ...server, name: 'fedyogi' };
    case 'MEDIAN':
      return { ...common, name: 'median' };
    case 'TRIMMED_MEAN':
      return { ...common, name: 'trimmed-mean', beta: params.trimRatio ?? DEFAULT_TRIM_RATIO };
    case 'SCAFFOLD':
      // N of the paper: c moves by (1/N) Σ Δc_i, N being every member site (c_i of those that sat a round out count
      // in the mean as they are), not the seats of one round.
      return {
        ...common,
        ...(params.serverLearningRate !== undefined && { serverLearningRate: params.serverLearningRate }),
        name: 'scaffold',
        totalSites: memberCount ?? config.sitesPerRound,
      };
  }
}

/**
 * Combinations the strategies would otherwise ignore in silence: only FedProx has a μ, SCAFFOLD takes no server
 * momentum, and its control variates are not defined for parameters a site keeps local.
 */
export function assertCompatibleOptions(config: FederationConfigRecord): void {
  const params = config.strategyParams;
  if (config.strategy !== 'FEDPROX' && params.proximalMu !== undefined) {
    throw new InvalidArgumentError(
      `strategyParams.proximalMu is used only by FEDPROX, not by ${config.strategy}: drop it or choose FEDPROX`,
    );
  }
  if (config.strategy === 'SCAFFOLD' && params.serverMomentum !== undefined) {
    throw new InvalidArgumentError('strategyParams.serverMomentum is not used by SCAFFOLD (only serverLearningRate)');
  }
  if (config.strategy === 'SCAFFOLD' && params.localNorms) {
    throw new InvalidArgumentError(
      'strategyParams.localNorms cannot be combined with SCAFFOLD: the control variates would cover parameters the ' +
        'sites do not share; use FEDAVG or FEDPROX with localNorms',
    );
  }
}

/** What a site's update body holds: the weights, and for SCAFFOLD its control-variate delta after them. */
export function updateParts(config: FederationConfigRecord): UpdatePart[] {
  return config.strategy === 'SCAFFOLD' ? ['weights', 'control-delta'] : ['weights'];
}

/**
 * A round's configuration (local steps, learning rate, FedProx μ, the privacy record with its noise seed) as the
 * federation's strategy decides it: Strategy.configureRound, called once when the round opens and stored on it.
 */
export function configureRound(config: FederationConfigRecord, roundIndex: number): RoundConfig {
  return createStrategy(toStrategyConfig(config)).configureRound(roundIndex, config.model.parameterCount);
}

/**
 * What a round's sites train with and its aggregation records: the config stored on the round. Rounds opened
 * before migration 0006 have none stored; theirs is derived here from the federation's config, which is what the
 * coordinator of that time sent their sites (a federation's config never changes after it is created).
 */
export function roundConfigOf(federation: FederationRecord, round: RoundRecord): RoundConfig {
  return round.config ?? configureRound(federation.config, round.index);
}

/** What the federation's config says every round closes and aggregates by (libs/federation's round state machine). */
export function roundRules(config: FederationConfigRecord): RoundRules {
  return { quorum: config.quorum, seats: config.sitesPerRound, minUpdates: config.minUpdatesAtDeadline };
}
