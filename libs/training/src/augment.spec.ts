import { Random } from '@fedstroke/common';
import { addGaussianNoise, augmentBatch, DEFAULT_AUGMENT, flipInPlace, NO_AUGMENT } from './augment';
import { createBatchBuffer } from './batch-buffer';

function filledBatch(seed: number, samples = 2) {
  const batch = createBatchBuffer(samples, 3, [4, 6, 8]);
  const rng = new Random(seed);
  for (let i = 0; i < batch.image.length; i++) batch.image[i] = rng.range(-2, 2);
  return batch;
}

describe('augmentation', () => {
  it('flips are involutions on every axis and move voxels where expected', () => {
    const batch = filledBatch(1);
    const original = batch.image.slice();
    const dims = batch.patch;
    for (const axis of [0, 1, 2] as const) {
      flipInPlace(batch.image, 0, dims, axis);
      expect(batch.image).not.toEqual(original);
      // Voxel (z, y, x) now holds what was at its mirror position on `axis`.
      const [d, h, w] = dims;
      const at = (z: number, y: number, x: number) => (z * h + y) * w + x;
      const mirror = [d - 1 - 1, h - 1 - 2, w - 1 - 3];
      const source = [1, 2, 3];
      source[axis] = mirror[axis];
      expect(batch.image[at(1, 2, 3)]).toBe(original[at(source[0], source[1], source[2])]);
      flipInPlace(batch.image, 0, dims, axis);
      expect(batch.image).toEqual(original);
    }
  });

  it('keeps the label aligned with the image through random flips', () => {
    const batch = filledBatch(2);
    const voxels = 4 * 6 * 8;
    // The label is a function of channel 0, so any misalignment between the two shows up.
    for (let n = 0; n < 2; n++)
      for (let i = 0; i < voxels; i++) batch.label[n * voxels + i] = batch.image[n * 3 * voxels + i] > 0.5 ? 1 : 0;
    const rng = new Random(9);
    for (let round = 0; round < 10; round++) {
      augmentBatch(batch, rng, { ...NO_AUGMENT, flipProbability: 0.5 });
      for (let n = 0; n < 2; n++)
        for (let i = 0; i < voxels; i++)
          expect(batch.label[n * voxels + i]).toBe(batch.image[n * 3 * voxels + i] > 0.5 ? 1 : 0);
    }
  });

  it('changes intensities only by scale, shift and noise, is seeded, and leaves the label alone', () => {
    const a = filledBatch(3);
    const b = filledBatch(3);
    a.label.fill(1, 0, 10);
    const label = a.label.slice();
    const always = {
      ...DEFAULT_AUGMENT,
      flipProbability: 0,
      scaleProbability: 1,
      shiftProbability: 1,
      noiseProbability: 1,
    };
    augmentBatch(a, new Random(4), always);
    augmentBatch(b, new Random(4), always);
    expect(a.image).toEqual(b.image);
    expect(a.label).toEqual(label);
    const before = filledBatch(3).image;
    const diff = a.image.map((v, i) => v - before[i]);
    expect(Math.max(...diff.map(Math.abs))).toBeGreaterThan(0);
    // Scale ≤ 15% of |x| ≤ 2, shift ≤ 0.1, noise sd ≤ 0.1: nothing moves by more than 0.3 + 6 sd.
    expect(Math.max(...diff.map(Math.abs))).toBeLessThan(1);
  });

  it('drops the FLAIR channel of a sample to exactly zero with its probability, leaving the others and the label', () => {
    const samples = 400;
    const batch = filledBatch(7, samples);
    const before = batch.image.slice();
    const voxels = batch.patch[0] * batch.patch[1] * batch.patch[2];
    augmentBatch(batch, new Random(9), {
      ...DEFAULT_AUGMENT,
      flipProbability: 0,
      dropChannel: { channel: 2, probability: 0.3 },
    });
    let dropped = 0;
    for (let n = 0; n < samples; n++) {
      const flair = batch.image.subarray((n * 3 + 2) * voxels, (n * 3 + 3) * voxels);
      const zero = flair.every((v) => v === 0);
      if (zero) dropped++;
      else expect(flair.some((v, i) => v !== 0 && Math.abs(v - before[(n * 3 + 2) * voxels + i]) < 1)).toBe(true);
      // DWI is never dropped.
      expect(batch.image.subarray(n * 3 * voxels, (n * 3 + 1) * voxels).every((v) => v === 0)).toBe(false);
    }
    // 30% of 400 samples: 120 expected, sd ≈ 9.
    expect(dropped).toBeGreaterThan(90);
    expect(dropped).toBeLessThan(150);
  });

  it('does nothing with NO_AUGMENT', () => {
    const batch = filledBatch(5);
    const original = batch.image.slice();
    augmentBatch(batch, new Random(1), NO_AUGMENT);
    expect(batch.image).toEqual(original);
  });

  it('adds Gaussian noise with the requested sd to the requested slice only', () => {
    const data = new Float32Array(20005);
    addGaussianNoise(data, 2, 20001, 2, new Random(1));
    expect([data[0], data[1], data[20003], data[20004]]).toEqual([0, 0, 0, 0]);
    const noise = data.subarray(2, 20003);
    const mean = noise.reduce((s, v) => s + v, 0) / noise.length;
    const sd = Math.sqrt(noise.reduce((s, v) => s + (v - mean) ** 2, 0) / noise.length);
    expect(Math.abs(mean)).toBeLessThan(0.06);
    expect(sd).toBeGreaterThan(1.95);
    expect(sd).toBeLessThan(2.05);
  });
});
