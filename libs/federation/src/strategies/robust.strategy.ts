/**
 * Byzantine-robust strategies (Yin et al., ICML 2018): coordinate-wise median and β-trimmed mean. Clipping composes
 * with them; Gaussian noise does not (its calibration σ = z·C·max a_i assumes a mean), so it is refused.
 */
import { InvalidArgumentError } from '@fedstroke/common';
import type { AggregateResult, ClientUpdate } from '../client-update';
import { coordinateMedian, trimmedMean } from '../aggregate/order-statistics';
import type { ClippedInputs } from '../aggregate/order-statistics';
import { assertSameLength, outputBuffer } from '../aggregate/buffers';
import { clipScales } from '../privacy/clip-and-noise';
import type { PrivacyRecord } from '../privacy/clip-and-noise';
import { BaseStrategy } from './base.strategy';
import type { StrategyName, StrategyOptions } from './strategy';
import { aggregateMetrics, assertInRange } from './strategy-support';

abstract class CoordinateWiseStrategy extends BaseStrategy {
  protected constructor(options: StrategyOptions, name: StrategyName) {
    super(options, name);
    if (options.privacy && options.privacy.noiseMultiplier > 0) {
      throw new InvalidArgumentError(
        `${name}.privacy.noiseMultiplier must be 0: Gaussian noise is calibrated for mean aggregation only ` +
          `(fedavg, fedprox, fedadam, fedyogi); clipping alone is supported`,
      );
    }
  }

  protected combine(
    global: Float32Array,
    results: readonly ClientUpdate[],
    privacy: PrivacyRecord | null,
    out: Float32Array | undefined,
  ): AggregateResult {
    const inputs = results.map((r) => r.weights);
    assertSameLength(inputs, global.length, (i) => `update from site ${results[i].siteId}`);
    let clip: ClippedInputs | null = null;
    let clippedUpdates = 0;
    if (privacy !== null) {
      const { scales, clipped } = clipScales(global, inputs, privacy.clipNorm);
      clip = { global, scales };
      clippedUpdates = clipped;
    }
    const weights = this.combineCoordinates(inputs, outputBuffer(out, global.length, [global, ...inputs]), clip);
    return { weights, metrics: aggregateMetrics(results, clippedUpdates, 0) };
  }

  protected abstract combineCoordinates(
    inputs: Float32Array[],
    out: Float32Array,
    clip: ClippedInputs | null,
  ): Float32Array;
}

export class MedianStrategy extends CoordinateWiseStrategy {
  readonly name: StrategyName = 'median';

  constructor(options: StrategyOptions) {
    super(options, 'median');
  }

  protected combineCoordinates(inputs: Float32Array[], out: Float32Array, clip: ClippedInputs | null): Float32Array {
    return coordinateMedian(inputs, { out, clip });
  }
}

export class TrimmedMeanStrategy extends CoordinateWiseStrategy {
  readonly name: StrategyName = 'trimmed-mean';

  /** beta: the fraction of values trimmed from each side of every coordinate, in [0, 0.5). */
  constructor(
    options: StrategyOptions,
    private readonly beta: number,
  ) {
    super(options, 'trimmed-mean');
    assertInRange(beta, 'trimmed-mean.beta', 0, 0.5, '[)');
  }

  protected combineCoordinates(inputs: Float32Array[], out: Float32Array, clip: ClippedInputs | null): Float32Array {
    return trimmedMean(inputs, this.beta, { out, clip });
  }
}
