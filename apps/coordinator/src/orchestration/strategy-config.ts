/**
 * Maps a federation's stored config onto libs/federation's StrategyConfig. Defaults for knobs the administrator
 * left out live here, in one place, so the round record shows exactly what was applied.
 */
import type { StrategyConfig } from '@fedstroke/federation';
import type { FederationConfigRecord } from '../persistence/records';

export const DEFAULT_PROXIMAL_MU = 0.01;
export const DEFAULT_TRIM_RATIO = 0.1;

export function toStrategyConfig(config: FederationConfigRecord): StrategyConfig {
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
      return { ...common, ...momentum, name: 'fedprox', proximalMu: proximalMu(config) };
    case 'FEDADAM':
      return { ...common, ...server, name: 'fedadam' };
    case 'FEDYOGI':
      return { ...common, ...server, name: 'fedyogi' };
    case 'MEDIAN':
      return { ...common, name: 'median' };
    case 'TRIMMED_MEAN':
      return { ...common, name: 'trimmed-mean', beta: params.trimRatio ?? DEFAULT_TRIM_RATIO };
  }
}

/** μ that sites add to their local loss; 0 for every strategy but FedProx. */
export function proximalMu(config: FederationConfigRecord): number {
  return config.strategy === 'FEDPROX' ? (config.strategyParams.proximalMu ?? DEFAULT_PROXIMAL_MU) : 0;
}
