import { runCli } from '../testing/run-cli';
import { registerSimulateCommand } from './simulate.command';

// A whole simulation runs in test/federation-simulate*.e2e-spec.ts; these are the flag refusals, made before any
// data is read, coordinator started or folder written (the data folder here does not exist).
describe('fedstroke simulate flags', () => {
  const run = (args: string[]) => runCli(registerSimulateCommand, ['simulate', '--data', '/nonexistent', ...args]);

  it('refuses a FedProx μ for a strategy that would ignore it', async () => {
    await expect(run(['--strategy', 'FEDAVG', '--mu', '0.05'])).rejects.toThrow(
      '--mu 0.05: only FEDPROX has a proximal weight, not --strategy FEDAVG',
    );
  });

  it('refuses a negative μ and an unknown strategy, naming the flag', async () => {
    await expect(run(['--mu', '-1'])).rejects.toThrow(/--mu/);
    await expect(run(['--strategy', 'FEDSGD'])).rejects.toThrow(/--strategy "FEDSGD": expected one of FEDAVG, FEDPROX/);
  });
});
