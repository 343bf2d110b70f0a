import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTrainingCheckpoint, optimizerStatePath, saveTrainingCheckpoint } from './checkpoint';
import type { Manifest } from './manifest';
import { readSafetensors, writeSafetensors } from './safetensors';
import { writeLinearArtifacts } from './testing/linear-artifacts';

describe('training checkpoints', () => {
  let dir: string;
  let manifest: Manifest;
  const parameters = Float32Array.from([0.5, -0.25, 0.125]);
  const optimizer = { m: Float32Array.from([0.1, 0.2, 0.3]), v: Float32Array.from([0.01, 0.02, 0.03]), step: 7 };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fedstroke-checkpoint-'));
    manifest = await writeLinearArtifacts(join(dir, 'artifacts'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('keeps the parameters file to the parameters alone, the moments beside it, and resumes from both', async () => {
    const path = join(dir, 'last.safetensors');
    await saveTrainingCheckpoint(path, manifest, parameters, optimizer, 0.003, { epoch: '2' });

    // What PyTorch's load_state_dict(strict=True) sees: exactly the model's parameter names, nothing more.
    const model = await readSafetensors(path);
    expect(model.tensors.map((t) => t.name)).toEqual(manifest.parameters.map((p) => p.name));
    expect(optimizerStatePath(path)).toBe(join(dir, 'last.optimizer.safetensors'));
    const state = await readSafetensors(optimizerStatePath(path));
    expect(state.tensors.map((t) => t.name)).toEqual([
      ...manifest.parameters.map((p) => `exp_avg.${p.name}`),
      ...manifest.parameters.map((p) => `exp_avg_sq.${p.name}`),
    ]);
    expect(state.metadata.checkpointId).toBe(model.metadata.checkpointId);

    const loaded = await loadTrainingCheckpoint(path, manifest);
    expect(Array.from(loaded.parameters)).toEqual(Array.from(parameters));
    expect(loaded.optimizer?.step).toBe(7);
    expect(Array.from(loaded.optimizer?.m ?? [])).toEqual(Array.from(optimizer.m));
    expect(Array.from(loaded.optimizer?.v ?? [])).toEqual(Array.from(optimizer.v));
    expect(loaded.learningRate).toBe(0.003);
    expect(loaded.metadata.epoch).toBe('2');
  });

  it('restores the parameters alone when the moments beside them are from another save, or missing', async () => {
    const path = join(dir, 'torn.safetensors');
    await saveTrainingCheckpoint(path, manifest, parameters, optimizer, 0.003);
    // A crash after the next save wrote its moments but before it renamed its parameters file.
    const older = await readSafetensors(path);
    await saveTrainingCheckpoint(path, manifest, parameters, { ...optimizer, step: 8 }, 0.003);
    await writeSafetensors(path, older.tensors, older.metadata);
    const torn = await loadTrainingCheckpoint(path, manifest);
    expect(torn.optimizer).toBeUndefined();
    expect(Array.from(torn.parameters)).toEqual(Array.from(parameters));

    await rm(optimizerStatePath(path));
    expect((await loadTrainingCheckpoint(path, manifest)).optimizer).toBeUndefined();
  });

  it('still reads a checkpoint of the first format (moments inside, under optimizer.)', async () => {
    const path = join(dir, 'legacy.safetensors');
    const named = (prefix: string, data: Float32Array) =>
      manifest.parameters.map((p) => ({
        name: `${prefix}${p.name}`,
        shape: p.shape,
        data: data.subarray(p.offset, p.offset + p.size),
      }));
    await writeSafetensors(
      path,
      [
        ...named('', parameters),
        ...named('optimizer.exp_avg.', optimizer.m),
        ...named('optimizer.exp_avg_sq.', optimizer.v),
      ],
      {
        format: 'fedstroke-checkpoint/1',
        step: '7',
        lr: '0.01',
        parameterLayoutSha256: manifest.parameterLayoutSha256,
      },
    );
    const loaded = await loadTrainingCheckpoint(path, manifest);
    expect(loaded.optimizer?.step).toBe(7);
    expect(Array.from(loaded.optimizer?.v ?? [])).toEqual(Array.from(optimizer.v));
  });
});
