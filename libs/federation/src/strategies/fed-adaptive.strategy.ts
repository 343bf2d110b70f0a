/**
 * FedAdam and FedYogi (Reddi et al., "Adaptive Federated Optimization", ICLR 2021): FedAvg's mean, then one step of
 * a server-side adaptive optimizer on the mean delta (see ../aggregate/server-optimizer.ts). The moments m, v and
 * the step count are this strategy's only state; getState/setState hand them to the coordinator's persistence.
 */
import { InvalidArgumentError } from '@fedstroke/common';
import type { AggregateResult, ClientUpdate } from '../client-update';
import { fedAdaptive, initialServerState } from '../aggregate/server-optimizer';
import type {
  AdaptiveOptimizerKind,
  AdaptiveOptimizerOptions,
  ServerOptimizerState,
} from '../aggregate/server-optimizer';
import type { PrivacyRecord } from '../privacy/clip-and-noise';
import { BaseStrategy } from './base.strategy';
import type { StrategyName, StrategyOptions, StrategyState } from './strategy';
import { aggregateMetrics, assertInRange, requireTensors } from './strategy-support';

export interface ServerOptimizerHyperparameters {
  eta?: number;
  beta1?: number;
  beta2?: number;
  tau?: number;
  biasCorrection?: boolean;
}

/** Defaults of the paper's experiments: η = 10⁻², β1 = 0.9, β2 = 0.99, τ = 10⁻³, no bias correction. */
export const SERVER_OPTIMIZER_DEFAULTS = { eta: 1e-2, beta1: 0.9, beta2: 0.99, tau: 1e-3, biasCorrection: false };

abstract class AdaptiveServerStrategy extends BaseStrategy {
  private readonly optimizer: AdaptiveOptimizerOptions;
  private state: ServerOptimizerState | null = null;

  protected constructor(
    options: StrategyOptions,
    kind: AdaptiveOptimizerKind,
    hyperparameters: ServerOptimizerHyperparameters,
  ) {
    const name = kind === 'adam' ? 'fedadam' : 'fedyogi';
    super(options, name);
    const d = SERVER_OPTIMIZER_DEFAULTS;
    const h = hyperparameters;
    this.optimizer = {
      kind,
      eta: h.eta ?? d.eta,
      beta1: h.beta1 ?? d.beta1,
      beta2: h.beta2 ?? d.beta2,
      tau: h.tau ?? d.tau,
      biasCorrection: h.biasCorrection ?? d.biasCorrection,
    };
    assertInRange(this.optimizer.eta, `${name}.eta`, 0, Number.MAX_VALUE, '(]');
    assertInRange(this.optimizer.beta1, `${name}.beta1`, 0, 1, '[)');
    assertInRange(this.optimizer.beta2, `${name}.beta2`, 0, 1, '[)');
    assertInRange(this.optimizer.tau, `${name}.tau`, 0, Number.MAX_VALUE, '(]');
  }

  protected combine(
    global: Float32Array,
    results: readonly ClientUpdate[],
    privacy: PrivacyRecord | null,
    out: Float32Array | undefined,
  ): AggregateResult {
    this.state ??= initialServerState(global.length, this.optimizer.tau);
    const { weights, clippedUpdates, noiseStd } = fedAdaptive(global, results, this.state, this.optimizer, {
      out,
      privacy,
    });
    return { weights, metrics: aggregateMetrics(results, clippedUpdates, noiseStd) };
  }

  protected override stateTensors(): Record<string, Float32Array> {
    return this.state === null ? {} : { m: this.state.m, v: this.state.v };
  }

  /** A copy of the moments m, v and the step count (null before the first aggregation), for persistence. */
  getState(): StrategyState | null {
    if (this.state === null) return null;
    return { tensors: { m: this.state.m.slice(), v: this.state.v.slice() }, step: this.state.step };
  }

  /** Restores what getState returned (copied, so the caller keeps its buffers); null resets to the initial state. */
  setState(state: StrategyState | null): void {
    if (state === null) {
      this.state = null;
      return;
    }
    const [m, v] = requireTensors(state, ['m', 'v'], this.name);
    if (m.length !== v.length) {
      throw new InvalidArgumentError(
        `${this.name}.setState: m and v must have equal lengths (got ${m.length}, ${v.length})`,
      );
    }
    this.state = { m: m.slice(), v: v.slice(), step: state.step };
  }
}

export class FedAdamStrategy extends AdaptiveServerStrategy {
  readonly name: StrategyName = 'fedadam';

  constructor(options: StrategyOptions, hyperparameters: ServerOptimizerHyperparameters = {}) {
    super(options, 'adam', hyperparameters);
  }
}

export class FedYogiStrategy extends AdaptiveServerStrategy {
  readonly name: StrategyName = 'fedyogi';

  constructor(options: StrategyOptions, hyperparameters: ServerOptimizerHyperparameters = {}) {
    super(options, 'yogi', hyperparameters);
  }
}
