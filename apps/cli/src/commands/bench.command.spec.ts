import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerBenchCommand } from './bench.command';
import { runCli } from '../testing/run-cli';

const run = (args: string[]): Promise<string> =>
  runCli(registerBenchCommand, ['bench', ...args], { quietStderr: true });

describe('fedstroke bench train / infer', () => {
  let models: string;
  beforeAll(async () => {
    models = await mkdtemp(join(tmpdir(), 'fedstroke-bench-'));
  });
  afterAll(async () => rm(models, { recursive: true, force: true }));

  it('generates missing artifacts, times train steps and reports parameters and peak RSS as JSON', async () => {
    const common = ['--config', 'tiny', '--models', models, '--threads', '1', '--json'];
    const torchMissing = ['--torch', '--torch-script', join(models, 'no-such-script.py')];
    const train = JSON.parse(
      await run(['train', ...common, '--patch', '8', '--batch', '1', '--steps', '2', '--warmup', '1', ...torchMissing]),
    );
    expect(existsSync(join(models, 'tiny', 'manifest.json'))).toBe(true);
    expect(train.fedstroke).toMatchObject({
      kind: 'train',
      config: 'tiny',
      provider: 'cpu',
      threads: 1,
      input: [1, 3, 8, 8, 8],
      parameterCount: 21733,
      steps: 2,
    });
    expect(train.fedstroke.time.stepsMs).toHaveLength(2);
    expect(train.fedstroke.time.minMs).toBeLessThanOrEqual(train.fedstroke.time.medianMs);
    expect(train.fedstroke.peakRssMiB).toBeGreaterThan(10);
    expect(Number.isFinite(train.fedstroke.lastLoss)).toBe(true);
    expect(train.torch).toEqual({ available: false, reason: expect.stringMatching(/no-such-script\.py not found/) });

    const infer = JSON.parse(
      await run(['infer', ...common, '--volume', '8', '12', '16', '--steps', '1', '--warmup', '0']),
    );
    expect(infer.fedstroke).toMatchObject({ kind: 'infer', input: [1, 3, 8, 12, 16], parameterCount: 21733 });
    expect(infer.torch).toBeUndefined();
  });

  it('runs --provider webgpu --strict on the webgpu lowering, generating it beside the cpu one (lavapipe)', async () => {
    const webgpu = ['--config', 'tiny', '--models', models, '--threads', '1', '--provider', 'webgpu', '--strict'];
    const train = JSON.parse(
      await run(['train', ...webgpu, '--patch', '8', '--batch', '1', '--steps', '1', '--warmup', '0', '--json']),
    );
    expect(train.fedstroke).toMatchObject({ kind: 'train', provider: 'webgpu', input: [1, 3, 8, 8, 8] });
    expect(Number.isFinite(train.fedstroke.lastLoss)).toBe(true);
    expect(JSON.parse(readFileSync(join(models, 'tiny', 'webgpu', 'manifest.json'), 'utf8')).lowering.provider).toBe(
      'webgpu',
    );
    const infer = JSON.parse(await run(['infer', ...webgpu, '--volume', '8', '8', '8', '--steps', '1', '--json']));
    expect(infer.fedstroke).toMatchObject({ kind: 'infer', provider: 'webgpu' });
  });

  it('prints a readable report and refuses bad flags', async () => {
    const text = await run([
      'infer',
      '--config',
      'tiny',
      '--models',
      models,
      '--volume',
      '8',
      '8',
      '8',
      '--steps',
      '1',
      '--warmup',
      '0',
    ]);
    expect(text).toMatch(
      /^fedstroke bench infer: config tiny \(21733 parameters\), input \[1, 3, 8, 8, 8\], cpu, \d+ threads\n {2}median [\d.]+ ms/,
    );
    await expect(run(['train', '--config', 'tiny', '--models', models, '--patch', '0'])).rejects.toThrow(
      '--patch must be an integer ≥ 1, got "0"',
    );
    await expect(run(['infer', '--config', 'tiny', '--models', models, '--volume', '8', '8'])).rejects.toThrow(
      /--volume takes three sizes/,
    );
  });
});
