import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceModel, TrainingSession } from '@fedstroke/runtime';
import { writeLinearArtifacts } from '@fedstroke/runtime/testing';
import { evaluateCases } from './evaluate-cases';
import { blobCases } from './testing/blob-cases';
import { trainLocal } from './train-local';

describe('evaluateCases', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fedstroke-eval-'));
    await writeLinearArtifacts(join(dir, 'linear'), { inChannels: 2, spatialMultiple: 4 });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reports ISLES metrics per case and their summary, from a training session or a stored checkpoint', async () => {
    const artifacts = join(dir, 'linear');
    const session = await TrainingSession.create(artifacts, { intraOpNumThreads: 1 });
    const cases = blobCases(3, [12, 10, 9], 4);
    await trainLocal(
      session,
      { train: blobCases(4, [12, 10, 9], 1) },
      {
        steps: 30,
        batchSize: 2,
        patchSize: [4, 4, 8],
        learningRate: 0.1,
        seed: 1,
        progress: { silent: true },
        checkpointDir: join(dir, 'run'),
      },
    );
    const options = { window: [8, 8, 8] as [number, number, number], progress: { silent: true } };
    const fromSession = await evaluateCases(session, cases, options);
    expect(fromSession.cases.map((c) => c.id)).toEqual(['blob-0', 'blob-1', 'blob-2']);
    expect(fromSession.summary.n).toBe(3);
    expect(fromSession.summary.dice.mean).toBeGreaterThan(0.8);
    for (const row of fromSession.cases) {
      // 2 mm voxels: 0.008 mL each.
      const gtVoxels = cases.find((c) => c.id === row.id)!.foreground.length;
      expect(row.gtVolumeMl).toBeCloseTo(gtVoxels * 0.008, 6);
      expect(row.gtLesions).toBe(1);
    }
    const model = await InferenceModel.create(artifacts, { weights: join(dir, 'run', 'last.safetensors') });
    const fromCheckpoint = await evaluateCases(model, cases, options);
    expect(fromCheckpoint.cases.map((c) => c.dice)).toEqual(fromSession.cases.map((c) => c.dice));
  });

  it('drops components below the minimum size and refuses unlabelled cases', async () => {
    const session = await TrainingSession.create(join(dir, 'linear'), { intraOpNumThreads: 1 });
    const cases = blobCases(1, [12, 10, 9], 4);
    const masks: number[] = [];
    const options = { window: [8, 8, 8] as [number, number, number], progress: { silent: true } };
    await evaluateCases(session, cases, {
      ...options,
      onPrediction: (_c, mask) => masks.push(mask.reduce((a, b) => a + b, 0)),
    });
    await evaluateCases(session, cases, {
      ...options,
      minLesionVoxels: 10000,
      onPrediction: (_c, mask) => masks.push(mask.reduce((a, b) => a + b, 0)),
    });
    expect(masks[1]).toBe(0);
    await expect(evaluateCases(session, [{ ...cases[0], label: undefined }], options)).rejects.toThrow(
      /has no lesion mask/,
    );
  });
});
