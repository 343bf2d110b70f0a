import { registerBenchAggregate } from './bench-aggregate.command';
import { runCli } from '../testing/run-cli';

const run = (args: string[]): Promise<string> =>
  runCli((program) => registerBenchAggregate(program.command('bench')), ['bench', 'aggregate', ...args]);

describe('fedstroke bench aggregate', () => {
  it('measures FedAvg, the median and the trimmed mean beside a copy of the same bytes and prints JSON', async () => {
    // execute: a small model so the test stays fast (the real run uses --params 50000000)
    const result = JSON.parse(await run(['--params', '70000', '--sites', '3', '--repeats', '3', '--json']));
    // assert: shape and consistency, never timings
    expect(result).toMatchObject({ params: 70000, sites: 3, repeats: 3, siteModelBytes: 840000 });
    expect(result.copy.traffic).toEqual({ readBytes: 840000, writtenBytes: 840000 });
    expect(result.copy.timesMs).toHaveLength(3);
    expect(result.strategies.map((s: { strategy: string }) => s.strategy)).toEqual([
      'fedavg',
      'median',
      'trimmed-mean',
    ]);
    for (const s of result.strategies) {
      expect(s.timesMs).toHaveLength(3);
      expect(s.traffic).toEqual({ readBytes: 840000, writtenBytes: 280000 });
      expect(s.gbPerSecond).toBeCloseTo(840000 / (s.medianMs * 1e6), 6);
      expect(s.ratio).toBeCloseTo(s.gbPerSecond / result.copy.gbPerSecond, 6);
      expect(s.pairedRatio).toBeGreaterThan(0);
    }
    expect(result.strategies.map((s: { targetRatio: number }) => s.targetRatio)).toEqual([0.5, 0.25, 0.25]);
    expect(result.node).toBe(process.version);
    expect(typeof result.cpu).toBe('string');
  });

  it('prints a readable summary and refuses bad flags', async () => {
    const text = await run(['--params', '5000', '--repeats', '1', '--strategy', 'fedavg,median']);
    expect(text).toMatch(/copy \(out\.set\) .* reads 0 MB, writes 0 MB/);
    expect(text).toMatch(/ratio [\d.]+% of copy bandwidth, paired [\d.]+% \(target ≥ 50\.0%: (met|NOT met)\)/);
    expect(text).toMatch(/median .*\n.*target ≥ 25\.0%/);
    expect(text).toContain(`${process.version} on `);
    await expect(run(['--strategy', 'fedavg,fedsgd'])).rejects.toThrow(/--strategy 'fedsgd' is not one of fedavg/);
    await expect(run(['--sites', '0'])).rejects.toThrow('--sites must be an integer ≥ 1, got "0"');
    await expect(run(['--beta', '0.5'])).rejects.toThrow('--beta must be in [0, 0.5), got "0.5"');
  });
});
