import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrainingSession } from '@fedstroke/runtime';
import { namedConfig, writeArtifacts } from '@fedstroke/unet';
import { NO_AUGMENT } from './augment';
import { evaluateCases } from './evaluate-cases';
import { blobCases } from './testing/blob-cases';
import { trainLocal } from './train-local';

/** Learning works: the `tiny` U-Net, generated for real and run by ONNX Runtime, overfits a tiny synthetic set. */
describe('trainLocal (tiny U-Net)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fedstroke-unet-'));
    await writeArtifacts(dir, namedConfig('tiny'), 0);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('overfits four cases: the loss falls and the training-case Dice exceeds 0.9', async () => {
    const session = await TrainingSession.create(join(dir, 'tiny'), { intraOpNumThreads: 1 });
    const train = blobCases(4, [16, 16, 16], 3, 3);
    const result = await trainLocal(
      session,
      { train, val: train },
      {
        steps: 100,
        batchSize: 2,
        patchSize: [16, 16, 16],
        learningRate: 0.03,
        augment: NO_AUGMENT,
        seed: 0,
        valEvery: 50,
        progress: { silent: true },
      },
    );
    const evaluation = await evaluateCases(session, train, { window: [16, 16, 16], progress: { silent: true } });
    const first = result.losses.slice(0, 5).reduce((a, b) => a + b) / 5;
    expect(result.finalLoss).toBeLessThan(0.5 * first);
    expect(result.valHistory.map((v) => v.step)).toEqual([50, 100]);
    expect(evaluation.summary.dice.min).toBeGreaterThan(0.9);
  });
});
