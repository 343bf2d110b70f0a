import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArtifactsError, ExecutionProviderError, InputShapeError, WeightsError } from './errors';
import { InferenceModel } from './inference-model';
import { loadArtifacts } from './manifest';
import { encodeSafetensors, writeSafetensors } from './safetensors';
import { noiseImage, separableLabel } from './testing/batches';
import { writeLinearArtifacts } from './testing/linear-artifacts';
import { NonFiniteLossError, TrainingSession } from './training-session';

describe('bad input is a clear error before any compute', () => {
  let dir: string;
  let artifacts: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fedstroke-bad-'));
    artifacts = join(dir, 'linear');
    await writeLinearArtifacts(artifacts, { spatialMultiple: 4 });
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  async function copyArtifacts(name: string): Promise<string> {
    const target = join(dir, name);
    await cp(artifacts, target, { recursive: true });
    return target;
  }

  it('images with the wrong channel count, a spatial size off the multiple, or a label that does not match', async () => {
    const session = await TrainingSession.create(artifacts);
    const threeChannels = noiseImage([1, 3, 4, 4, 4]);
    await expect(session.trainStep(threeChannels, separableLabel(noiseImage([1, 2, 4, 4, 4])))).rejects.toThrow(
      new InputShapeError('image has 3 channels, model "linear-fixture" expects 2 (shape [N, 2, D, H, W])'),
    );
    await expect(session.infer(noiseImage([1, 2, 4, 6, 4]))).rejects.toThrow(
      /spatial size \[4, 6, 4\] must be a multiple of 4/,
    );
    const image = noiseImage([2, 2, 4, 4, 4]);
    await expect(session.evalStep(image, separableLabel(noiseImage([1, 2, 4, 4, 4])))).rejects.toThrow(
      /label has shape \[1, 1, 4, 4, 4\], expected \[2, 1, 4, 4, 4\]/,
    );
    await expect(session.infer({ data: new Float32Array(5), shape: [1, 2, 4, 4, 4] })).rejects.toThrow(
      /holds 5 values/,
    );
    expect(() => session.optimizerStep()).toThrow(/no gradients/);

    const poisoned = noiseImage([1, 2, 4, 4, 4]);
    poisoned.data[7] = Number.NaN;
    await expect(session.trainStep(poisoned, separableLabel(noiseImage([1, 2, 4, 4, 4])))).rejects.toThrow(
      NonFiniteLossError,
    );
    expect(() => session.optimizerStep()).toThrow(/no gradients/); // the poisoned gradients were dropped
    await session.release();
  });

  it('a checkpoint of the wrong length, with NaN, or from another model', async () => {
    const short = join(dir, 'short.safetensors');
    await writeSafetensors(short, [{ name: 'conv.weight', shape: [1, 1, 1, 1, 1], data: Float32Array.from([1]) }]);
    await expect(TrainingSession.create(artifacts, { checkpoint: short })).rejects.toThrow(
      new WeightsError(
        `checkpoint of the wrong length: ${short} holds 1 parameter values in 1 tensors, model "linear-fixture" has 3 in 2`,
      ),
    );
    const nan = join(dir, 'nan.safetensors');
    await writeSafetensors(nan, [
      { name: 'conv.weight', shape: [1, 2, 1, 1, 1], data: Float32Array.from([1, Number.NaN]) },
      { name: 'conv.bias', shape: [1], data: Float32Array.from([0]) },
    ]);
    await expect(TrainingSession.create(artifacts, { checkpoint: nan })).rejects.toThrow(
      `NaN in ${nan} at parameter conv.weight index 1`,
    );
    await expect(InferenceModel.create(artifacts, { weights: nan })).rejects.toThrow(WeightsError);
    const renamed = join(dir, 'renamed.safetensors');
    await writeSafetensors(renamed, [
      { name: 'head.weight', shape: [1, 2, 1, 1, 1], data: Float32Array.from([1, 2]) },
      { name: 'conv.bias', shape: [1], data: Float32Array.from([0]) },
    ]);
    await expect(TrainingSession.create(artifacts, { checkpoint: renamed })).rejects.toThrow(
      /has no tensor "conv.weight"/,
    );

    const session = await TrainingSession.create(artifacts);
    expect(() => session.loadParametersBuffer(new Float32Array(4), 'round 3 global model')).toThrow(
      'checkpoint of the wrong length: round 3 global model holds 4 values, model "linear-fixture" has 3 parameters',
    );
    expect(() => session.loadParametersBuffer(Float32Array.from([0, 0, Infinity]))).toThrow(
      'Infinity in parameters buffer at parameter conv.bias index 0',
    );
    await session.release();
  });

  it("an inference model checks weights it is given and keeps them as its own, not as a view of the caller's", async () => {
    const model = await InferenceModel.create(artifacts);
    expect(() => model.loadParametersBuffer(new Float32Array(2), 'served model')).toThrow(
      'checkpoint of the wrong length: served model holds 2 values, model "linear-fixture" has 3 parameters',
    );
    const image = noiseImage([1, 2, 4, 4, 4]);
    const weights = Float32Array.from([0.5, -0.25, 0.1]);
    model.loadParametersBuffer(weights);
    const before = Array.from(await model.infer(image));
    weights.fill(9);
    expect(Array.from(await model.infer(image))).toEqual(before);
    await model.release();
  });

  it('a NaN inside the artifacts checkpoint itself', async () => {
    const target = await copyArtifacts('nan-artifacts');
    const manifestPath = join(target, 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
    const bytes = encodeSafetensors([
      { name: 'conv.weight', shape: [1, 2, 1, 1, 1], data: Float32Array.from([Number.NaN, 1]) },
      { name: 'conv.bias', shape: [1], data: Float32Array.from([0]) },
    ]);
    await writeFile(join(target, 'checkpoint.safetensors'), bytes);
    manifest.files['checkpoint.safetensors'] = createHash('sha256').update(bytes).digest('hex');
    await writeFile(manifestPath, JSON.stringify(manifest));
    await expect(loadArtifacts(target)).rejects.toThrow(
      /NaN in .*checkpoint\.safetensors at parameter conv\.weight index 0/,
    );
  });

  it('artifacts that do not match the manifest, or no artifacts at all', async () => {
    const tampered = await copyArtifacts('tampered');
    await writeFile(join(tampered, 'eval_model.onnx'), Buffer.from('not the model the manifest describes'));
    await expect(TrainingSession.create(tampered)).rejects.toThrow(ArtifactsError);
    await expect(TrainingSession.create(tampered)).rejects.toThrow(
      /artifacts do not match the manifest: .*eval_model\.onnx has sha256/,
    );

    const reshaped = await copyArtifacts('reshaped');
    const manifestPath = join(reshaped, 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
    manifest.parameters[0].shape = [1, 3, 1, 1, 1];
    await writeFile(manifestPath, JSON.stringify(manifest));
    await expect(loadArtifacts(reshaped)).rejects.toThrow(
      /invalid manifest: parameter "conv.weight" has size 2 but shape \[1,3,1,1,1\] holds 3/,
    );

    await expect(TrainingSession.create(join(dir, 'nothing-here'))).rejects.toThrow(
      /no training artifacts in .*nothing-here .*fedstroke artifacts --config nothing-here/,
    );
  });

  it('an unknown provider lists the valid ones; a provider that cannot start falls back to cpu with one line, or throws when strict', async () => {
    await expect(TrainingSession.create(artifacts, { provider: 'tpu' })).rejects.toThrow(
      new ExecutionProviderError('unknown execution provider "tpu"; valid providers: cpu, cuda, webgpu'),
    );
    // CUDA device 4096 cannot start anywhere: without the CUDA provider library (this CPU build) and on any GPU machine.
    const cuda = { provider: 'cuda', deviceId: 4096 };
    const lines: string[] = [];
    const session = await TrainingSession.create(artifacts, { ...cuda, log: (line) => lines.push(line) });
    expect(session.provider).toBe('cpu');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^fedstroke: execution provider "cuda" unavailable \(.+\); falling back to cpu$/);
    const image = noiseImage([1, 2, 4, 4, 4]);
    expect(Number.isFinite(await session.trainStep(image, separableLabel(image)))).toBe(true);
    await session.infer(image); // the inference session follows the fallback without a second line
    expect(lines).toHaveLength(1);
    await session.release();

    await expect(TrainingSession.create(artifacts, { ...cuda, strict: true })).rejects.toThrow(
      /execution provider "cuda" failed to start for .*training_model\.onnx \(strict, no fallback\): .+/,
    );
    await expect(TrainingSession.create(artifacts, { intraOpNumThreads: 0 })).rejects.toThrow(
      /intraOpNumThreads must be a positive integer/,
    );
  });
});
