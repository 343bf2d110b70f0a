import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSafetensors, syntheticBatch, TrainingSession, writeSafetensors } from '@fedstroke/runtime';
import { namedConfig, writeArtifacts } from '@fedstroke/unet';
import { registerGradCommand } from './grad.command';
import { runCli } from '../testing/run-cli';

const run = (args: string[]): Promise<string> => runCli(registerGradCommand, ['grad', ...args]);

describe('fedstroke grad', () => {
  let dir: string;
  let models: string;
  let batchPath: string;
  const { image, label } = syntheticBatch(2, 3, [8, 8, 8], 5);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fedstroke-grad-'));
    models = join(dir, 'models');
    await writeArtifacts(models, namedConfig('tiny'), 0);
    batchPath = join(dir, 'batch.safetensors');
    await writeSafetensors(batchPath, [
      { name: 'image', ...image, shape: [...image.shape] },
      { name: 'label', ...label, shape: [...label.shape] },
    ]);
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('writes the loss and one gradient per parameter, named like the PyTorch state_dict, for weights in any order', async () => {
    // Weights as another framework would save them: same tensors, reverse order, scaled so they differ from init.
    const reference = await TrainingSession.create(join(models, 'tiny'));
    const weights = reference.getContiguousParameters().map((w) => w * 0.9);
    reference.loadParametersBuffer(weights);
    const expectedLoss = await reference.trainStep(image, label);
    const expectedGradients = reference.getContiguousGradients();
    const manifest = reference.manifest;
    await reference.release();
    const weightsPath = join(dir, 'weights.safetensors');
    const reversed = [...manifest.parameters].reverse();
    await writeSafetensors(
      weightsPath,
      reversed.map((p) => ({ name: p.name, shape: p.shape, data: weights.subarray(p.offset, p.offset + p.size) })),
    );

    const out = join(dir, 'grad.safetensors');
    const printed = JSON.parse(
      await run([
        '--config',
        'tiny',
        '--models',
        models,
        '--weights',
        weightsPath,
        '--batch',
        batchPath,
        '--out',
        out,
        '--json',
      ]),
    );
    expect(printed).toMatchObject({ out, parameterCount: manifest.parameterCount, provider: 'cpu' });
    const { tensors, metadata } = await readSafetensors(out);
    expect(metadata).toMatchObject({ format: 'fedstroke-gradients/1', config: 'tiny', weights: weightsPath });
    expect(tensors[0]).toMatchObject({ name: 'loss', shape: [] });
    expect(tensors[0].data[0]).toBeCloseTo(expectedLoss, 6);
    expect(tensors.slice(1).map((t) => [t.name, t.shape])).toEqual(manifest.parameters.map((p) => [p.name, p.shape]));
    const written = new Float32Array(tensors.slice(1).flatMap((t) => Array.from(t.data)));
    let worst = 0;
    written.forEach((g, i) => (worst = Math.max(worst, Math.abs(g - expectedGradients[i]))));
    expect(worst).toBeLessThan(1e-6);
    expect(manifest.parameters.map((p) => p.name)).toContain('encoder.0.0.0.weight');
  });

  it('names the batch file and the tensors it needs when one is missing', async () => {
    const onlyImage = join(dir, 'image-only.safetensors');
    await writeSafetensors(onlyImage, [{ name: 'image', ...image, shape: [...image.shape] }]);
    await expect(
      run(['--config', 'tiny', '--models', models, '--batch', onlyImage, '--out', join(dir, 'never.safetensors')]),
    ).rejects.toThrow(
      `--batch ${onlyImage} has no tensor "label"; it needs "image" [N,C,D,H,W] and "label" [N,1,D,H,W] (float32), found: image`,
    );
  });
});
