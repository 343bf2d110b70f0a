/**
 * SCAFFOLD (Karimireddy et al., ICML 2020): FedAvg's model step plus the server control variate c, which sites use
 * to correct their local steps for client drift (the maths and our two choices: ../scaffold/control-variates.ts).
 * c is this strategy's state: getState/setState hand it to the coordinator, which stores it beside each model version
 * and serves it to the sites of the next round. Refused with privacy options: clipping and noise would have to cover
 * Δc_i too, which this implementation does not do.
 */
import { InvalidArgumentError } from '@fedstroke/common';
import type { AggregateResult, ClientUpdate } from '../client-update';
import { AggregationError } from '../federation.errors';
import { outputBuffer } from '../aggregate/buffers';
import { serverMomentumStepRange } from '../aggregate/server-momentum';
import { planWeightedMean, sampleWeights, writeWeightedMean } from '../aggregate/weighted-mean';
import type { PrivacyRecord } from '../privacy/clip-and-noise';
import { controlDeltaProblem, scaffoldServerControl } from '../scaffold/control-variates';
import { BaseStrategy } from './base.strategy';
import type { StatefulStrategy, StrategyName, StrategyOptions, StrategyState } from './strategy';
import { aggregateMetrics, assertInRange, assertPositiveInteger, requireTensors } from './strategy-support';

export interface ScaffoldHyperparameters {
  /**
   * N: the number of sites in the federation (its members, not the seats of a round); c moves by (1/N) Σ Δc_i over
   * the sites of a round, so it stays the mean of every member's c_i when only some of them train in a round.
   */
  totalSites: number;
  /** η_g, the global step size on the mean model delta (default 1: the weighted mean). */
  serverLearningRate?: number;
}

/** The tensor name of c in the strategy state (and in the coordinator's server-state file). */
export const SCAFFOLD_CONTROL_TENSOR = 'control';

export class ScaffoldStrategy extends BaseStrategy implements StatefulStrategy {
  readonly name: StrategyName = 'scaffold';
  private readonly totalSites: number;
  private readonly serverLearningRate: number;
  private control: Float32Array | null = null;
  private steps = 0;

  constructor(options: StrategyOptions, hyperparameters: ScaffoldHyperparameters) {
    super(options, 'scaffold');
    if (options.privacy) {
      throw new InvalidArgumentError(
        'scaffold: clipping and noise are not supported (they would have to bound and noise the control-variate ' +
          'deltas as well); use FEDAVG or FEDPROX with privacy',
      );
    }
    this.totalSites = hyperparameters.totalSites;
    this.serverLearningRate = hyperparameters.serverLearningRate ?? 1;
    assertPositiveInteger(this.totalSites, 'scaffold.totalSites');
    assertInRange(this.serverLearningRate, 'scaffold.serverLearningRate', 0, Number.MAX_VALUE, '(]');
  }

  /** c as of the last aggregation (zeros of `length` before the first): what the sites of the next round receive. */
  serverControl(length: number): Float32Array {
    if (this.control === null) return new Float32Array(length);
    if (this.control.length !== length) {
      throw new AggregationError(
        'LENGTH_MISMATCH',
        `scaffold: the server control variate has ${this.control.length} values, the model ${length}`,
      );
    }
    return this.control.slice();
  }

  protected combine(
    global: Float32Array,
    results: readonly ClientUpdate[],
    _privacy: PrivacyRecord | null,
    out: Float32Array | undefined,
  ): AggregateResult {
    const deltas = results.map((r) => {
      const problem = controlDeltaProblem(r.controlDelta, global.length);
      if (problem) {
        throw new AggregationError('LENGTH_MISMATCH', `scaffold: update from site ${r.siteId}: ${problem.message}`);
      }
      return r.controlDelta as Float32Array;
    });
    if (results.length > this.totalSites) {
      throw new AggregationError(
        'NOT_ENOUGH_RESULTS',
        `scaffold: ${results.length} results but the federation has only ${this.totalSites} site(s) (totalSites)`,
      );
    }
    const plan = planWeightedMean(global, results, sampleWeights(results), null);
    const weights = outputBuffer(out, global.length, [global, ...plan.inputs]);
    const server = { serverLearningRate: this.serverLearningRate, momentum: 0 };
    writeWeightedMean(plan, weights, (start, end) =>
      serverMomentumStepRange(global, weights, null, server, start, end),
    );
    this.control = scaffoldServerControl(this.serverControl(global.length), deltas, this.totalSites);
    this.steps += 1;
    return { weights, metrics: aggregateMetrics(results, 0, 0) };
  }

  /** c goes to every site of the next round: the aggregate check refuses a step that leaves it non-finite. */
  protected override stateTensors(): Record<string, Float32Array> {
    return this.control === null ? {} : { [SCAFFOLD_CONTROL_TENSOR]: this.control };
  }

  getState(): StrategyState | null {
    if (this.control === null) return null;
    return { tensors: { [SCAFFOLD_CONTROL_TENSOR]: this.control.slice() }, step: this.steps };
  }

  setState(state: StrategyState | null): void {
    if (state === null) {
      this.control = null;
      this.steps = 0;
      return;
    }
    const [control] = requireTensors(state, [SCAFFOLD_CONTROL_TENSOR], this.name);
    this.control = control.slice();
    this.steps = state.step;
  }
}
