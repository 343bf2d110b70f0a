import { summarizeTimes, syntheticBatch } from './benchmark';

describe('benchmark workload', () => {
  it('is torch_unet3d.py synthetic batch: standard-normal image and one ball of radius min(shape)/6 per sample', () => {
    const { image, label } = syntheticBatch(2, 3, [24, 30, 36], 0);
    expect(image.shape).toEqual([2, 3, 24, 30, 36]);
    expect(label.shape).toEqual([2, 1, 24, 30, 36]);
    const mean = image.data.reduce((a, b) => a + b, 0) / image.data.length;
    const variance = image.data.reduce((a, b) => a + (b - mean) ** 2, 0) / image.data.length;
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(variance - 1)).toBeLessThan(0.03);
    const voxels = 24 * 30 * 36;
    const ball = (4 / 3) * Math.PI * 4 ** 3; // radius 24 / 6
    for (let b = 0; b < 2; b++) {
      const inside = label.data.subarray(b * voxels, (b + 1) * voxels).reduce((a, v) => a + v, 0);
      expect(Math.abs(inside - ball) / ball).toBeLessThan(0.15);
    }
    expect(Array.from(syntheticBatch(1, 1, [8, 8, 8], 3).image.data)).toEqual(
      Array.from(syntheticBatch(1, 1, [8, 8, 8], 3).image.data),
    );
  });

  it('summarises step times: median (even and odd counts), min and mean', () => {
    expect(summarizeTimes([5, 1, 3])).toMatchObject({ medianMs: 3, minMs: 1, meanMs: 3 });
    expect(summarizeTimes([4, 1, 3, 2]).medianMs).toBe(2.5);
    expect(Number.isNaN(summarizeTimes([]).medianMs)).toBe(true);
  });
});
