import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '@fedstroke/common';
import { UNetConfigError } from '@fedstroke/unet';
import { registerArtifactsCommand } from './artifacts.command';
import { runCli } from '../testing/run-cli';

const run = (args: string[]): Promise<string> => runCli(registerArtifactsCommand, ['artifacts', ...args]);

describe('fedstroke artifacts', () => {
  let out: string;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'fedstroke-artifacts-cli-'));
  });
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('writes the folder of a named config and prints the manifest with --json', async () => {
    const printed = await run(['--config', 'tiny', '--out', out, '--seed', '3', '--json']);
    const manifest = JSON.parse(printed);
    expect(manifest.config).toMatchObject({ name: 'tiny', inChannels: 3, baseFilters: 4, levels: 3, initSeed: 3 });
    expect((await readdir(join(out, 'tiny'))).sort()).toEqual([
      'checkpoint.safetensors',
      'eval_model.onnx',
      'inference_model.onnx',
      'manifest.json',
      'training_model.onnx',
    ]);
  });

  it('writes the webgpu lowering beside the cpu one and records it in the manifest', async () => {
    const manifest = JSON.parse(await run(['--config', 'tiny', '--out', out, '--provider', 'webgpu', '--json']));
    expect(manifest.lowering).toMatchObject({
      provider: 'webgpu',
      convWeightGrad: { layout: 'planes', stacked: 'plane' },
    });
    expect(await readdir(join(out, 'tiny', 'webgpu'))).toContain('training_model.onnx');
    const cpu = JSON.parse(await readFile(join(out, 'tiny', 'manifest.json'), 'utf8'));
    expect(cpu.lowering).toMatchObject({
      provider: 'cpu',
      convWeightGrad: { layout: 'channels-first', stacked: 'row' },
    });
    expect(cpu.files['training_model.onnx']).not.toBe(manifest.files['training_model.onnx']);
    expect(cpu.files['checkpoint.safetensors']).not.toBe(manifest.files['checkpoint.safetensors']); // other seed
  });

  it('rejects an unknown config, a bad seed and a provider without a lowering', async () => {
    await expect(run(['--config', 'huge', '--out', out])).rejects.toThrow(UNetConfigError);
    await expect(run(['--config', 'tiny', '--out', out, '--seed', '-1'])).rejects.toThrow(InvalidArgumentError);
    await expect(run(['--config', 'tiny', '--out', out, '--provider', 'cuda'])).rejects.toThrow(
      '--provider must be one of cpu, webgpu, got "cuda"',
    );
  });
});
