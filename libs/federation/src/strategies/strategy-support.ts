/** The checks and bookkeeping every strategy shares, as plain functions (no base class to inherit from). */
import { InvalidArgumentError, mixSeed } from '@fedstroke/common';
import type { AggregateMetrics, ClientUpdate } from '../client-update';
import { AggregationError } from '../federation.errors';
import { assertPrivacyOptions } from '../privacy/clip-and-noise';
import type { PrivacyOptions, PrivacyRecord } from '../privacy/clip-and-noise';
import type { FailurePolicy, RoundConfig, StrategyName, StrategyOptions, StrategyState } from './strategy';

export function assertPositiveInteger(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 1)
    throw new InvalidArgumentError(`${name} must be an integer ≥ 1, got ${value}`);
}

export function assertInRange(value: number, name: string, low: number, high: number, inclusive: string): void {
  const lowOk = inclusive[0] === '[' ? value >= low : value > low;
  const highOk = inclusive[1] === ']' ? value <= high : value < high;
  if (!(Number.isFinite(value) && lowOk && highOk)) {
    throw new InvalidArgumentError(`${name} must be in ${inclusive[0]}${low}, ${high}${inclusive[1]}, got ${value}`);
  }
}

/** Checks the shared options and fills the failure-policy defaults (at least one result, failures tolerated). */
export function resolveCommonOptions(options: StrategyOptions, strategy: StrategyName): FailurePolicy {
  assertPositiveInteger(options.localSteps, `${strategy}.localSteps`);
  assertInRange(options.learningRate, `${strategy}.learningRate`, 0, Number.MAX_VALUE, '(]');
  if (options.privacy) assertPrivacyOptions(options.privacy, `${strategy}.privacy`);
  const policy: FailurePolicy = { minResults: 1, acceptFailures: true, ...options.failurePolicy };
  assertPositiveInteger(policy.minResults, `${strategy}.failurePolicy.minResults`);
  return policy;
}

export function roundConfig(
  strategy: StrategyName,
  options: StrategyOptions,
  roundIndex: number,
  numParameters: number,
  proximalMu: number,
): RoundConfig {
  if (!Number.isInteger(roundIndex) || roundIndex < 0) {
    throw new InvalidArgumentError(`roundIndex must be an integer ≥ 0, got ${roundIndex}`);
  }
  assertPositiveInteger(numParameters, `${strategy}.configureRound numParameters`);
  return {
    roundIndex,
    strategy,
    numParameters,
    localSteps: options.localSteps,
    learningRate: options.learningRate,
    proximalMu,
    privacy: privacyRecord(options.privacy ?? null, roundIndex),
  };
}

function privacyRecord(privacy: PrivacyOptions | null, roundIndex: number): PrivacyRecord | null {
  if (privacy === null) return null;
  return {
    clipNorm: privacy.clipNorm,
    noiseMultiplier: privacy.noiseMultiplier,
    // Distinct rounds of one federation never reuse a noise stream; a round's noise is reproducible from it.
    noiseSeed: mixSeed(privacy.seed, roundIndex),
  };
}

/** The privacy record aggregation applies; the noise seed needs the round, clipping alone does not. */
export function privacyForAggregation(
  privacy: PrivacyOptions | null | undefined,
  roundIndex: number | undefined,
  strategy: StrategyName,
): PrivacyRecord | null {
  if (!privacy) return null;
  if (privacy.noiseMultiplier > 0 && roundIndex === undefined) {
    throw new InvalidArgumentError(`${strategy}.aggregate: roundIndex is required when noise is configured`);
  }
  return privacyRecord(privacy, roundIndex ?? 0);
}

/**
 * The results in an order set by their content: fewer samples first, then the weights compared value by value, then
 * the site id. Float sums depend on the order of their terms, and updates arrive in whatever order the sites finish,
 * under site ids that are new in every deployment: summed as they came, or by id, two runs of one seeded federation
 * differ by an ulp here and there after the first round, and training amplifies that until their models differ
 * (test Dice 0.567 and 0.592 from two runs of `npm start`). Ordered by content, the same updates give the same
 * aggregate bit for bit.
 */
export function inContentOrder(results: readonly ClientUpdate[]): ClientUpdate[] {
  return [...results].sort(compareByContent);
}

function compareByContent(a: ClientUpdate, b: ClientUpdate): number {
  if (a.numSamples !== b.numSamples) return a.numSamples - b.numSamples;
  const n = Math.min(a.weights.length, b.weights.length);
  for (let i = 0; i < n; i++) {
    if (a.weights[i] < b.weights[i]) return -1;
    if (a.weights[i] > b.weights[i]) return 1;
  }
  return a.siteId < b.siteId ? -1 : a.siteId > b.siteId ? 1 : 0;
}

export function assertEnoughResults(policy: FailurePolicy, results: readonly ClientUpdate[], strategy: string): void {
  if (results.length < policy.minResults) {
    throw new AggregationError(
      'NOT_ENOUGH_RESULTS',
      `${strategy}: ${results.length} accepted result(s), the failure policy needs at least ${policy.minResults}`,
    );
  }
}

/** Each client metric averaged over the sites that reported it, weighted by sample count (Flower's fit metrics). */
export function averageClientMetrics(results: readonly ClientUpdate[]): Record<string, number> {
  const sums = new Map<string, { weighted: number; samples: number }>();
  for (const r of results) {
    for (const [name, value] of Object.entries(r.metrics)) {
      const entry = sums.get(name) ?? { weighted: 0, samples: 0 };
      entry.weighted += value * r.numSamples;
      entry.samples += r.numSamples;
      sums.set(name, entry);
    }
  }
  return Object.fromEntries([...sums].map(([name, { weighted, samples }]) => [name, weighted / samples]));
}

export function aggregateMetrics(
  results: readonly ClientUpdate[],
  clippedUpdates: number,
  noiseStd: number,
): AggregateMetrics {
  return {
    numResults: results.length,
    numSamples: results.reduce((total, r) => total + r.numSamples, 0),
    clippedUpdates,
    noiseStd,
    client: averageClientMetrics(results),
  };
}

/** The named tensors a restored state must hold, in order; a clear error names what is missing or malformed. */
export function requireTensors(state: StrategyState, names: readonly string[], strategy: StrategyName): Float32Array[] {
  if (!Number.isInteger(state.step) || state.step < 0) {
    throw new InvalidArgumentError(`${strategy}.setState: step must be an integer ≥ 0, got ${state.step}`);
  }
  return names.map((name) => {
    const tensor = state.tensors[name];
    if (!(tensor instanceof Float32Array)) {
      throw new InvalidArgumentError(
        `${strategy}.setState: state lacks the float32 tensor "${name}" (has: ${Object.keys(state.tensors).join(', ') || 'none'})`,
      );
    }
    return tensor;
  });
}
