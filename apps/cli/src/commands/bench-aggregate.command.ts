import { cpus } from 'node:os';
import { InvalidArgumentError, Random } from '@fedstroke/common';
import {
  createStrategy,
  DEFAULT_CHUNK_SIZE,
  parseStrategyName,
  type ClientUpdate,
  type StrategyConfig,
  type StrategyName,
} from '@fedstroke/federation';
import type { Command } from 'commander';

/**
 * `fedstroke bench aggregate`: how fast a strategy turns k site models into the next global model, next to the
 * fastest thing that reads the same bytes — a plain typed-array copy of each site model (`out.set(input)`, i.e.
 * memcpy) — measured alternately in the same process so both see the same machine state. Bandwidth counts the bytes
 * of the site models read per aggregation (sites × params × 4); the global model, server-optimizer moments and the
 * output write are extra traffic the strategy pays and the copy does not.
 */
export interface AggregateBenchOptions {
  params: number;
  sites: number;
  strategy: StrategyName;
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

export interface AggregateBenchResult extends AggregateBenchOptions {
  bytesPerRepeat: number;
  chunkSize: number;
  aggregate: TimingSummary;
  copy: TimingSummary;
  /** Median aggregation bandwidth over median copy bandwidth. */
  ratio: number;
  node: string;
  cpu: string;
}

/** FedAvg should reach this share of copy bandwidth (issue 4). */
export const FEDAVG_TARGET_RATIO = 0.5;

function strategyConfig(options: AggregateBenchOptions): StrategyConfig {
  const base = { localSteps: 1, learningRate: 1, failurePolicy: { minResults: 1 } };
  switch (options.strategy) {
    case 'fedprox':
      return { name: 'fedprox', proximalMu: 0.01, ...base };
    case 'trimmed-mean':
      return { name: 'trimmed-mean', beta: options.beta, ...base };
    default:
      return { name: options.strategy, ...base };
  }
}

/** Site models near a shared global model, seeded; values of order 1e-2 (no denormals to slow anything). */
function syntheticModels(params: number, sites: number): { global: Float32Array; results: ClientUpdate[] } {
  const random = new Random(12345);
  const fill = (target: Float32Array, around?: Float32Array): void => {
    for (let j = 0; j < target.length; j++) target[j] = (around ? around[j] : 0) + random.range(-0.005, 0.005);
  };
  const global = new Float32Array(params);
  fill(global);
  const results = Array.from({ length: sites }, (_, i): ClientUpdate => {
    const weights = new Float32Array(params);
    fill(weights, global);
    return { siteId: `site-${i + 1}`, weights, numSamples: 100 * (i + 1), metrics: {} };
  });
  return { global, results };
}

function summarize(timesMs: number[], bytes: number): TimingSummary {
  const sorted = [...timesMs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const medianMs = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { medianMs, minMs: sorted[0], gbPerSecond: bytes / (medianMs * 1e6), timesMs };
}

function elapsedMs(action: () => void): number {
  const start = process.hrtime.bigint();
  action();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export function runAggregateBench(options: AggregateBenchOptions): AggregateBenchResult {
  const { global, results } = syntheticModels(options.params, options.sites);
  const strategy = createStrategy(strategyConfig(options));
  const out = new Float32Array(options.params);
  const aggregate = (round: number): void => void strategy.aggregate(global, results, out, round);
  const copy = (): void => {
    for (const r of results) out.set(r.weights);
  };
  aggregate(0); // warm-up: JIT tiers, first-touch of the output pages
  copy();
  const aggregateMs: number[] = [];
  const copyMs: number[] = [];
  for (let r = 0; r < options.repeats; r++) {
    aggregateMs.push(elapsedMs(() => aggregate(r + 1)));
    copyMs.push(elapsedMs(copy));
  }
  const bytes = options.sites * options.params * Float32Array.BYTES_PER_ELEMENT;
  const aggregateSummary = summarize(aggregateMs, bytes);
  const copySummary = summarize(copyMs, bytes);
  return {
    ...options,
    bytesPerRepeat: bytes,
    chunkSize: DEFAULT_CHUNK_SIZE,
    aggregate: aggregateSummary,
    copy: copySummary,
    ratio: aggregateSummary.gbPerSecond / copySummary.gbPerSecond,
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
  };
}

function integerFlag(flag: string, text: string, min: number): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min) {
    throw new InvalidArgumentError(`${flag} must be an integer ≥ ${min}, got "${text}"`);
  }
  return value;
}

function describe(result: AggregateBenchResult): string {
  const line = (label: string, t: TimingSummary): string =>
    `${label.padEnd(22)} median ${t.medianMs.toFixed(1)} ms (min ${t.minMs.toFixed(1)})  ${t.gbPerSecond.toFixed(2)} GB/s`;
  const verdict =
    result.strategy === 'fedavg'
      ? ` (target ≥ ${FEDAVG_TARGET_RATIO * 100}%: ${result.ratio >= FEDAVG_TARGET_RATIO ? 'met' : 'NOT met'})`
      : '';
  return [
    `aggregate ${result.strategy}: ${result.params} params × ${result.sites} sites, ${result.repeats} repeats, ` +
      `${(result.bytesPerRepeat / 1e6).toFixed(0)} MB of site models read per repeat`,
    line(result.strategy, result.aggregate),
    line('copy (out.set)', result.copy),
    `ratio ${(result.ratio * 100).toFixed(1)}% of copy bandwidth${verdict}`,
    `${result.node} on ${result.cpu}`,
  ].join('\n');
}

/** Adds `aggregate` to an existing `bench` command (bench.command.ts owns `bench` itself). */
export function registerBenchAggregate(bench: Command): void {
  bench
    .command('aggregate')
    .description('aggregation throughput (GB/s of site models read) beside a plain typed-array copy of the same bytes')
    .option('--params <n>', 'parameters per model', '50000000')
    .option('--sites <k>', 'site models aggregated per round', '3')
    .option('--strategy <name>', 'fedavg | fedprox | fedadam | fedyogi | median | trimmed-mean', 'fedavg')
    .option('--beta <fraction>', 'trimmed-mean: fraction trimmed from each side', '0.34')
    .option('--repeats <n>', 'timed aggregations (and copies), medians reported', '7')
    .option('--json', 'print one JSON object on stdout')
    .action(
      (flags: { params: string; sites: string; strategy: string; beta: string; repeats: string; json?: boolean }) => {
        const beta = Number(flags.beta);
        if (!(beta >= 0 && beta < 0.5))
          throw new InvalidArgumentError(`--beta must be in [0, 0.5), got "${flags.beta}"`);
        const result = runAggregateBench({
          params: integerFlag('--params', flags.params, 1),
          sites: integerFlag('--sites', flags.sites, 1),
          strategy: parseStrategyName(flags.strategy, '--strategy'),
          repeats: integerFlag('--repeats', flags.repeats, 1),
          beta,
        });
        process.stdout.write(flags.json ? `${JSON.stringify(result, null, 2)}\n` : `${describe(result)}\n`);
      },
    );
}
