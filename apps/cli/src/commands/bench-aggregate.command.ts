import { cpus } from 'node:os';
import { InvalidArgumentError } from '@fedstroke/common';
import { parseStrategyName, type StrategyName } from '@fedstroke/federation';
import { DEFAULT_BENCH_STRATEGIES, describeAggregateBench, runAggregateBench } from '@fedstroke/federation/tools';
import type { Command } from 'commander';

function integerFlag(flag: string, text: string, min: number): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min) {
    throw new InvalidArgumentError(`${flag} must be an integer ≥ ${min}, got "${text}"`);
  }
  return value;
}

function strategiesFlag(text: string): StrategyName[] {
  const names = text.split(',').map((name) => parseStrategyName(name.trim(), '--strategy'));
  return [...new Set(names)];
}

/**
 * Adds `aggregate` to an existing `bench` command (bench.command.ts owns `bench` itself): the flags and the output of
 * the aggregation benchmark, whose harness (what is compared, how it is measured) is @fedstroke/federation/tools.
 */
export function registerBenchAggregate(bench: Command): void {
  bench
    .command('aggregate')
    .description('aggregation throughput (GB/s of site models) beside a plain typed-array copy of the same bytes')
    .option('--params <n>', 'parameters per model', '50000000')
    .option('--sites <k>', 'site models aggregated per round', '3')
    .option(
      '--strategy <names>',
      'comma-separated: fedavg | fedprox | fedadam | fedyogi | median | trimmed-mean',
      DEFAULT_BENCH_STRATEGIES.join(','),
    )
    .option('--beta <fraction>', 'trimmed-mean: fraction trimmed from each side', '0.34')
    .option('--repeats <n>', 'timed rounds (each runs the copy and every strategy once); medians reported', '9')
    .option('--json', 'print one JSON object on stdout')
    .action(
      (flags: { params: string; sites: string; strategy: string; beta: string; repeats: string; json?: boolean }) => {
        const beta = Number(flags.beta);
        if (!(beta >= 0 && beta < 0.5))
          throw new InvalidArgumentError(`--beta must be in [0, 0.5), got "${flags.beta}"`);
        const measured = runAggregateBench({
          params: integerFlag('--params', flags.params, 1),
          sites: integerFlag('--sites', flags.sites, 1),
          strategies: strategiesFlag(flags.strategy),
          repeats: integerFlag('--repeats', flags.repeats, 1),
          beta,
        });
        const machine = { node: process.version, cpu: cpus()[0]?.model ?? 'unknown' };
        const result = { ...measured, ...machine };
        const text = flags.json
          ? JSON.stringify(result, null, 2)
          : describeAggregateBench(measured, `${machine.node} on ${machine.cpu}`);
        process.stdout.write(`${text}\n`);
      },
    );
}
