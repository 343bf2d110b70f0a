import { Random } from '@fedstroke/common';
import type { ClientUpdate } from '../client-update';
import { DEFAULT_CHUNK_SIZE } from '../aggregate/buffers';
import { createStrategy, type StrategyConfig } from '../strategies/create-strategy';
import type { StrategyName } from '../strategies/strategy';

/**
 * The aggregation benchmark behind `fedstroke bench aggregate`: how fast each strategy turns k site models into the next global model, next to a plain
 * typed-array copy of the same bytes.
 *
 * What is compared. The yardstick is the k site models (k × params × 4 bytes): every GB/s figure, the strategies' and
 * the copy's, is those bytes divided by the median time. The copy is `out.set(siteModel)` for each site (memcpy):
 * it reads the k models and writes k × params × 4 bytes. FedAvg, the median and the trimmed mean read the same
 * models and write one model (params × 4); FedAdam/FedYogi also read the global model and the two moments and
 * write the moments back. `traffic` in the result lists those bytes, so the ratio is read knowing that the copy
 * writes more than FedAvg does and FedAdam touches more than the copy.
 *
 * How it is measured. Two warm-up rounds of everything (JIT and WebAssembly tier-up, first touch of every page),
 * then `repeats` rounds; in each round the copy and every strategy run once, back to back, in an order rotated
 * round by round, so all of them see the same machine state and none always runs right after another. Reported:
 * the median time of each, `ratio` = strategy GB/s ÷ copy GB/s at the medians, and `pairedRatio` = the median over
 * rounds of copy time ÷ strategy time within the round, which is steadier on a machine shared with other work.
 */
export interface AggregateBenchOptions {
  params: number;
  sites: number;
  strategies: StrategyName[];
  repeats: number;
  /** Trimmed-mean β. */
  beta: number;
}

export interface TimingSummary {
  medianMs: number;
  minMs: number;
  gbPerSecond: number;
  timesMs: number[];
}

/** Bytes one run reads and writes. */
export interface Traffic {
  readBytes: number;
  writtenBytes: number;
}

export interface StrategyBenchResult extends TimingSummary {
  strategy: StrategyName;
  traffic: Traffic;
  /** Median strategy GB/s over median copy GB/s. */
  ratio: number;
  /** Median over rounds of (copy time ÷ strategy time) within the same round. */
  pairedRatio: number;
  /** The share of copy bandwidth this strategy should reach, where one is set (see TARGET_RATIOS). */
  targetRatio: number | null;
}

export interface AggregateBenchResult extends Omit<AggregateBenchOptions, 'strategies'> {
  /** Bytes of site models per run: the numerator of every GB/s figure. */
  siteModelBytes: number;
  chunkSize: number;
  copy: TimingSummary & { traffic: Traffic };
  strategies: StrategyBenchResult[];
}

/**
 * FedAvg (and FedProx, the same server step): ≥ 50% of copy bandwidth (issue 4). The robust aggregators sort every
 * coordinate's k values, so they get a lower bar: ≥ 25% at 3 sites.
 */
export const TARGET_RATIOS: Partial<Record<StrategyName, number>> = {
  fedavg: 0.5,
  fedprox: 0.5,
  median: 0.25,
  'trimmed-mean': 0.25,
};

export const DEFAULT_BENCH_STRATEGIES: StrategyName[] = ['fedavg', 'median', 'trimmed-mean'];

function strategyConfig(strategy: StrategyName, beta: number, sites: number): StrategyConfig {
  const base = { localSteps: 1, learningRate: 1, failurePolicy: { minResults: 1 } };
  switch (strategy) {
    case 'scaffold':
      return { name: 'scaffold', totalSites: sites, ...base };
    case 'fedprox':
      return { name: 'fedprox', proximalMu: 0.01, ...base };
    case 'trimmed-mean':
      return { name: 'trimmed-mean', beta, ...base };
    default:
      return { name: strategy, ...base };
  }
}

function strategyTraffic(strategy: StrategyName, params: number, sites: number): Traffic {
  const model = params * Float32Array.BYTES_PER_ELEMENT;
  const adaptive = strategy === 'fedadam' || strategy === 'fedyogi';
  // SCAFFOLD: + every site's control delta and c read; c written back.
  if (strategy === 'scaffold') return { readBytes: (2 * sites + 1) * model, writtenBytes: 2 * model };
  // Adaptive: + global, m and v read; m and v written back.
  return { readBytes: (sites + (adaptive ? 3 : 0)) * model, writtenBytes: (adaptive ? 3 : 1) * model };
}

/** Site models near a shared global model, seeded; values of order 1e-2 (no denormals to slow anything). */
function syntheticModels(
  params: number,
  sites: number,
  withControlDeltas: boolean,
): { global: Float32Array; results: ClientUpdate[] } {
  const random = new Random(12345);
  const fill = (target: Float32Array, around?: Float32Array): void => {
    for (let j = 0; j < target.length; j++) target[j] = (around ? around[j] : 0) + random.range(-0.005, 0.005);
  };
  const global = new Float32Array(params);
  fill(global);
  const results = Array.from({ length: sites }, (_, i): ClientUpdate => {
    const weights = new Float32Array(params);
    fill(weights, global);
    const update = { siteId: `site-${i + 1}`, weights, numSamples: 100 * (i + 1), metrics: {} };
    if (!withControlDeltas) return update;
    const controlDelta = new Float32Array(params);
    fill(controlDelta);
    return { ...update, controlDelta };
  });
  return { global, results };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function summarize(timesMs: number[], bytes: number): TimingSummary {
  const medianMs = median(timesMs);
  return { medianMs, minMs: Math.min(...timesMs), gbPerSecond: bytes / (medianMs * 1e6), timesMs };
}

function elapsedMs(action: () => void): number {
  const start = performance.now();
  action();
  return performance.now() - start;
}

export function runAggregateBench(options: AggregateBenchOptions): AggregateBenchResult {
  const { params, sites, strategies, repeats, beta } = options;
  const { global, results } = syntheticModels(params, sites, strategies.includes('scaffold'));
  const out = new Float32Array(params);
  // Entry 0 is the copy; entry i + 1 is strategies[i], each aggregating its own sequence of rounds.
  const runs: (() => void)[] = [
    () => {
      for (const r of results) out.set(r.weights);
    },
    ...strategies.map((name) => {
      const strategy = createStrategy(strategyConfig(name, beta, sites));
      let roundIndex = 0;
      return (): void => void strategy.aggregate(global, results, out, roundIndex++);
    }),
  ];
  const timesMs = runs.map((): number[] => []);
  for (let round = -2; round < repeats; round++) {
    for (let step = 0; step < runs.length; step++) {
      const which = (step + Math.max(round, 0)) % runs.length;
      const ms = elapsedMs(runs[which]);
      if (round >= 0) timesMs[which].push(ms);
    }
  }
  const siteModelBytes = sites * params * Float32Array.BYTES_PER_ELEMENT;
  const copy = summarize(timesMs[0], siteModelBytes);
  return {
    params,
    sites,
    repeats,
    beta,
    siteModelBytes,
    chunkSize: DEFAULT_CHUNK_SIZE,
    copy: { ...copy, traffic: { readBytes: siteModelBytes, writtenBytes: siteModelBytes } },
    strategies: strategies.map((strategy, i) => {
      const timing = summarize(timesMs[i + 1], siteModelBytes);
      return {
        strategy,
        ...timing,
        traffic: strategyTraffic(strategy, params, sites),
        ratio: timing.gbPerSecond / copy.gbPerSecond,
        pairedRatio: median(timing.timesMs.map((ms, r) => copy.timesMs[r] / ms)),
        targetRatio: TARGET_RATIOS[strategy] ?? null,
      };
    }),
  };
}

const megabytes = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;

/** The human-readable report of a run; `machine` names the Node version and CPU it ran on. */
export function describeAggregateBench(result: AggregateBenchResult, machine: string): string {
  const line = (label: string, t: TimingSummary): string =>
    `${label.padEnd(14)} median ${t.medianMs.toFixed(1).padStart(7)} ms (min ${t.minMs.toFixed(1).padStart(7)})  ` +
    `${t.gbPerSecond.toFixed(2).padStart(6)} GB/s`;
  const percent = (ratio: number): string => `${(ratio * 100).toFixed(1)}%`;
  const lines = [
    `aggregate: ${result.params} params × ${result.sites} sites, ${result.repeats} rounds; GB/s = ` +
      `${megabytes(result.siteModelBytes)} of site models ÷ median time`,
    `${line('copy (out.set)', result.copy)}  reads ${megabytes(result.copy.traffic.readBytes)}, ` +
      `writes ${megabytes(result.copy.traffic.writtenBytes)}`,
  ];
  for (const s of result.strategies) {
    const target =
      s.targetRatio === null
        ? ''
        : ` (target ≥ ${percent(s.targetRatio)}: ${s.ratio >= s.targetRatio ? 'met' : 'NOT met'})`;
    lines.push(
      `${line(s.strategy, s)}  reads ${megabytes(s.traffic.readBytes)}, writes ${megabytes(s.traffic.writtenBytes)}`,
      `${''.padEnd(14)} ratio ${percent(s.ratio)} of copy bandwidth, paired ${percent(s.pairedRatio)}${target}`,
    );
  }
  lines.push(machine);
  return lines.join('\n');
}
