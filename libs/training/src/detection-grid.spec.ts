import type { Tensor5D } from '@fedstroke/runtime';
import { scoreDetectionGrid } from './detection-grid';
import { toTrainingCase } from './training-case';

/**
 * At the edge: a "network" whose probability at a voxel is that voxel's channel 0, so blending windows changes
 * nothing and the case below has known probabilities. One true lesion (a 3×3×3 block at 0.9) and a 2-voxel speck at
 * 0.45 far from it.
 */
const echo = {
  manifest: { spatialMultiple: 4, config: { name: 'echo', inChannels: 1 } },
  infer: async (image: Tensor5D) => {
    const [n, , d, h, w] = image.shape;
    return image.data.slice(0, n * d * h * w);
  },
};

function speckCase() {
  const shape: [number, number, number] = [12, 12, 8];
  const at = (x: number, y: number, z: number) => x + 12 * (y + 12 * z);
  const prob = new Float32Array(12 * 12 * 8);
  const mask = new Uint8Array(prob.length);
  for (let z = 2; z < 5; z++)
    for (let y = 2; y < 5; y++)
      for (let x = 2; x < 5; x++) {
        prob[at(x, y, z)] = 0.9;
        mask[at(x, y, z)] = 1;
      }
  prob[at(10, 10, 6)] = 0.45;
  prob[at(10, 10, 7)] = 0.45;
  return toTrainingCase({ id: 'speck', channels: [prob], mask, shape, spacing: [2, 2, 2] });
}

describe('scoreDetectionGrid', () => {
  it('scores each threshold and minimum lesion size from one inference pass', async () => {
    let runs = 0;
    const counting = { ...echo, infer: (image: Tensor5D) => ((runs += 1), echo.infer(image)) };
    const scores = await scoreDetectionGrid(
      counting,
      [speckCase()],
      { thresholds: [0.4, 0.5], minLesionVoxels: [0, 3] },
      {
        window: [8, 12, 12],
      },
    );
    const runsForOnePass = runs;
    const byKey = Object.fromEntries(
      scores.map((s) => [`${s.candidate.threshold}/${s.candidate.minLesionVoxels}`, s.figures]),
    );
    // t 0.4 keeps the speck: one false positive, F1 = 1 / (1 + ½), two predicted lesions for one true (ALD 1).
    expect(byKey['0.4/0'].lesionF1).toBeCloseTo(2 / 3, 10);
    expect(byKey['0.4/0'].ald).toBe(1);
    expect(byKey['0.4/0'].dice).toBeCloseTo((2 * 27) / (29 + 27), 6);
    // Removing lesions under 3 voxels, or thresholding at 0.5, drops the speck: a perfect mask.
    for (const key of ['0.4/3', '0.5/0', '0.5/3']) expect(byKey[key]).toEqual({ dice: 1, lesionF1: 1, ald: 0 });
    expect(runsForOnePass).toBeGreaterThan(0);
    await scoreDetectionGrid(
      counting,
      [speckCase()],
      { thresholds: [0.5], minLesionVoxels: [0] },
      { window: [8, 12, 12] },
    );
    expect(runs).toBe(2 * runsForOnePass); // the grid's size does not change the network runs
  });

  it('refuses an empty set and unlabelled cases', async () => {
    const grid = { thresholds: [0.5], minLesionVoxels: [0] };
    await expect(scoreDetectionGrid(echo, [], grid)).rejects.toThrow(/no cases/);
    await expect(scoreDetectionGrid(echo, [{ ...speckCase(), label: undefined }], grid)).rejects.toThrow(
      /has no lesion mask/,
    );
  });
});
