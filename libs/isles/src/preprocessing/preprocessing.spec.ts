import type { Vec3 } from '@fedstroke/nifti';
import type { LoadedCase } from '../loading/loaded-case';
import { cropVolume, CropToBrain, nonzeroBoundingBox, pasteCrop } from './crop-to-brain';
import { preprocessCase } from './preprocessing';
import { ResampleToSpacing } from './resample-to-spacing';
import { ZScoreWithinBrain, zscoreWithin } from './zscore-within-brain';

function diagonalAffine(spacing: Vec3, origin: Vec3 = [0, 0, 0]): Float64Array {
  return Float64Array.from([
    spacing[0],
    0,
    0,
    origin[0],
    0,
    spacing[1],
    0,
    origin[1],
    0,
    0,
    spacing[2],
    origin[2],
    0,
    0,
    0,
    1,
  ]);
}

/** A 10×8×6 case whose brain is the box [2..6]×[3..5]×[1..3] with DWI = 10 + i, ADC constant 0.8, one lesion voxel. */
function boxCase(): LoadedCase {
  const shape: Vec3 = [10, 8, 6];
  const dwi = new Float32Array(480);
  const adc = new Float32Array(480);
  const mask = new Uint8Array(480);
  for (let k = 1; k <= 3; k++)
    for (let j = 3; j <= 5; j++)
      for (let i = 2; i <= 6; i++) {
        dwi[i + 10 * (j + 8 * k)] = 10 + i;
        adc[i + 10 * (j + 8 * k)] = 0.8;
      }
  mask[4 + 10 * (4 + 8 * 2)] = 1;
  const affine = diagonalAffine([2, 2, 2], [-10, -8, -6]);
  return {
    id: 'box',
    channelNames: ['dwi', 'adc'],
    channels: [dwi, adc],
    mask,
    brain: Uint8Array.from(dwi, (v) => (v !== 0 ? 1 : 0)),
    shape,
    spacing: [2, 2, 2],
    affine,
    qc: [],
    nativeGrid: { shape, spacing: [2, 2, 2], affine },
  };
}

describe('zscoreWithin', () => {
  it('gives mean 0 and standard deviation 1 inside the brain, 0 outside', () => {
    const values = Float32Array.from([0, 1, 2, 3, 4, 0]);
    const brain = Uint8Array.from([0, 1, 1, 1, 1, 0]);
    const out = zscoreWithin(values, brain);
    const inside = Array.from(out.subarray(1, 5));
    expect(inside.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 6);
    expect(inside.reduce((a, b) => a + b * b, 0) / 4).toBeCloseTo(1, 6);
    expect([out[0], out[5]]).toEqual([0, 0]);
  });

  it('turns a constant channel into zeros, never NaN (guarded division)', () => {
    const out = zscoreWithin(new Float32Array(100).fill(7), new Uint8Array(100).fill(1));
    expect(out.every((v) => v === 0)).toBe(true);
    expect(zscoreWithin(new Float32Array(4), new Uint8Array(4)).every((v) => v === 0)).toBe(true);
  });
});

describe('ZScoreWithinBrain', () => {
  it('normalizes every channel over the brain into one stacked buffer and leaves the input untouched', () => {
    const input = boxCase();
    const before = Float32Array.from(input.channels[0]);
    const out = new ZScoreWithinBrain().apply(input);
    expect(input.channels[0]).toEqual(before);
    expect(out.channels[1].every((v) => v === 0)).toBe(true); // constant ADC in the brain
    expect(out.channels[0][0]).toBe(0);
    expect(out.channels[0][2 + 10 * (3 + 8)]).toBeLessThan(0);
    expect(out.channels[1].buffer).toBe(out.channels[0].buffer);
    expect(out.channels[1].byteOffset).toBe(480 * 4);
    expect(out.qc).toEqual([]);
  });

  it('sets every channel to 0 when the brain is empty', () => {
    const input = { ...boxCase(), brain: new Uint8Array(480) };
    expect(new ZScoreWithinBrain().apply(input).channels.every((c) => c.every((v) => v === 0))).toBe(true);
  });
});

describe('CropToBrain', () => {
  it('crops to the bounding box plus margin, clipped to the grid, and pastes back exactly', () => {
    const input = boxCase();
    expect(nonzeroBoundingBox(input.channels[0], input.shape, 0)).toEqual({
      start: [2, 3, 1],
      size: [5, 3, 3],
      sourceShape: [10, 8, 6],
    });
    const out = new CropToBrain(2).apply(input);
    expect(out.crop).toEqual({ start: [0, 1, 0], size: [9, 7, 6], sourceShape: [10, 8, 6] });
    expect(out.shape).toEqual([9, 7, 6]);
    expect(pasteCrop(out.channels[0], out.crop!)).toEqual(input.channels[0]);
    expect(pasteCrop(out.mask!, out.crop!)).toEqual(input.mask);
    expect(pasteCrop(out.brain, out.crop!)).toEqual(input.brain);
    expect(out.qc).toEqual([]);
  });

  it('says how many lesion voxels it leaves out when the mask reaches outside the brain box', () => {
    const input = boxCase();
    input.mask![0] = 1; // a corner voxel, where the DWI is 0
    const out = new CropToBrain(0).apply(input);
    expect(out.qc).toEqual([
      { code: 'MASK_OUTSIDE_BRAIN_BOX', message: expect.stringMatching(/^mask: 1 lesion voxel/) },
    ]);
  });

  it('shifts the affine so every voxel keeps its world position', () => {
    const input = boxCase();
    const out = new CropToBrain(0).apply(input);
    // Cropped voxel (0,0,0) is original voxel (2,3,1): world = origin + spacing * index.
    expect([out.affine[3], out.affine[7], out.affine[11]]).toEqual([-10 + 4, -8 + 6, -6 + 2]);
  });

  it('composes two crops relative to the first grid', () => {
    const once = new CropToBrain(1).apply(boxCase());
    const twice = new CropToBrain(0).apply(once);
    expect(twice.crop).toEqual({ start: [2, 3, 1], size: [5, 3, 3], sourceShape: [10, 8, 6] });
    expect(cropVolume(boxCase().channels[0], twice.crop!)).toEqual(twice.channels[0]);
  });
});

describe('ResampleToSpacing', () => {
  it('resamples channels and mask onto the target spacing and drops the crop box', () => {
    const out = preprocessCase(boxCase(), [new CropToBrain(1), new ResampleToSpacing([4, 4, 4])]);
    expect(out.spacing.map((s) => Number(s.toFixed(6)))).toEqual([4, 4, 4]);
    expect(out.channels[0]).toHaveLength(out.shape[0] * out.shape[1] * out.shape[2]);
    expect(out.mask!.every((v) => v === 0 || v === 1)).toBe(true);
    expect(out.crop).toBeUndefined();
    expect(out.brain).toHaveLength(out.channels[0].length);
    expect(() => new ResampleToSpacing([0, 1, 1])).toThrow(/three positive mm values/);
  });
});
