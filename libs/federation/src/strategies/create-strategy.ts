/**
 * Builds a strategy from its stored configuration (the coordinator keeps the config as JSON on the federation).
 * The union is closed: a new strategy is a new member here, and the switch below stops compiling until it is handled.
 */
import { InvalidArgumentError } from '@fedstroke/common';
import { FedAdamStrategy, FedYogiStrategy } from './fed-adaptive.strategy';
import type { ServerOptimizerHyperparameters } from './fed-adaptive.strategy';
import { FedAvgStrategy, FedProxStrategy } from './fedavg.strategy';
import type { ServerMomentumHyperparameters } from './fedavg.strategy';
import { MedianStrategy, TrimmedMeanStrategy } from './robust.strategy';
import { ScaffoldStrategy, type ScaffoldHyperparameters } from './scaffold.strategy';
import { STRATEGY_NAMES } from './strategy';
import type { Strategy, StrategyName, StrategyOptions } from './strategy';

export type StrategyConfig = StrategyOptions &
  (
    | ({ name: 'fedavg' } & ServerMomentumHyperparameters)
    | ({ name: 'fedprox'; proximalMu: number } & ServerMomentumHyperparameters)
    | ({ name: 'fedadam' } & ServerOptimizerHyperparameters)
    | ({ name: 'fedyogi' } & ServerOptimizerHyperparameters)
    | { name: 'median' }
    | { name: 'trimmed-mean'; beta: number }
    | ({ name: 'scaffold' } & ScaffoldHyperparameters)
  );

export function createStrategy(config: StrategyConfig): Strategy {
  switch (config.name) {
    case 'fedavg':
      return new FedAvgStrategy(config, config);
    case 'fedprox':
      return new FedProxStrategy(config, config.proximalMu, config);
    case 'fedadam':
      return new FedAdamStrategy(config, config);
    case 'fedyogi':
      return new FedYogiStrategy(config, config);
    case 'median':
      return new MedianStrategy(config);
    case 'trimmed-mean':
      return new TrimmedMeanStrategy(config, config.beta);
    case 'scaffold':
      return new ScaffoldStrategy(config, config);
    default: {
      const unknown: never = config;
      throw new InvalidArgumentError(
        `strategy.name '${(unknown as { name: string }).name}' is not one of ${STRATEGY_NAMES.join(', ')}`,
      );
    }
  }
}

/** Parses a user-supplied strategy name (CLI flag, environment), listing the valid ones on error. */
export function parseStrategyName(value: string, source = 'strategy'): StrategyName {
  const name = STRATEGY_NAMES.find((candidate) => candidate === value);
  if (name === undefined) {
    throw new InvalidArgumentError(`${source} '${value}' is not one of ${STRATEGY_NAMES.join(', ')}`);
  }
  return name;
}
