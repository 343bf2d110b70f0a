import { Command } from 'commander';
import { registerBenchAggregate, runAggregateBench } from './bench-aggregate.command';

async function runCli(args: string[]): Promise<string> {
  const program = new Command('fedstroke').exitOverride();
  registerBenchAggregate(program.command('bench'));
  const written: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    await program.parseAsync(['node', 'fedstroke', 'bench', 'aggregate', ...args]);
  } finally {
    spy.mockRestore();
  }
  return written.join('');
}

describe('fedstroke bench aggregate', () => {
  it('measures FedAvg beside a copy of the same bytes and prints JSON', async () => {
    // execute: a small model so the test stays fast (the real run uses --params 50000000)
    const result = JSON.parse(await runCli(['--params', '70000', '--sites', '3', '--repeats', '3', '--json']));
    // assert: shape and consistency, never timings
    expect(result).toMatchObject({ strategy: 'fedavg', params: 70000, sites: 3, repeats: 3, bytesPerRepeat: 840000 });
    expect(result.aggregate.timesMs).toHaveLength(3);
    expect(result.copy.timesMs).toHaveLength(3);
    expect(result.aggregate.gbPerSecond).toBeCloseTo(840000 / (result.aggregate.medianMs * 1e6), 6);
    expect(result.ratio).toBeCloseTo(result.aggregate.gbPerSecond / result.copy.gbPerSecond, 6);
  });

  it.each(['median', 'trimmed-mean', 'fedadam'] as const)('runs %s', (strategy) => {
    const result = runAggregateBench({ params: 1000, sites: 4, strategy, repeats: 1, beta: 0.25 });
    expect(result.aggregate.medianMs).toBeGreaterThan(0);
  });

  it('prints a readable summary and refuses bad flags', async () => {
    expect(await runCli(['--params', '5000', '--repeats', '1'])).toMatch(
      /ratio [\d.]+% of copy bandwidth \(target ≥ 50%/,
    );
    await expect(runCli(['--strategy', 'fedsgd'])).rejects.toThrow(/--strategy 'fedsgd' is not one of fedavg/);
    await expect(runCli(['--sites', '0'])).rejects.toThrow('--sites must be an integer ≥ 1, got "0"');
  });
});
