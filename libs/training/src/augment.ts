import type { Random } from '@fedstroke/common';
import type { BatchBuffer } from './batch-buffer';
import type { SpatialDims } from './training-case';

/**
 * Patch augmentation in place on the batch buffer, nnU-Net's cheap subset: mirroring (image and label together),
 * and per-channel intensity scale, shift and Gaussian noise (image only). Every draw comes from the run's seeded
 * Random, so a run (and a resumed run) sees exactly the same augmented batches.
 */
export interface AugmentOptions {
  /** Probability of mirroring each spatial axis, independently. */
  flipProbability: number;
  /** Probability, per channel, of multiplying by a factor drawn from scaleRange. */
  scaleProbability: number;
  scaleRange: [number, number];
  /** Probability, per channel, of adding an offset drawn from [-shiftMax, shiftMax]. */
  shiftProbability: number;
  shiftMax: number;
  /** Probability, per channel, of adding N(0, sd²) noise with sd drawn from [0, noiseMaxSd]. */
  noiseProbability: number;
  noiseMaxSd: number;
  /**
   * Modality dropout: with `probability`, a sample's `channel` is zeroed, which is what inference feeds for a study
   * that comes without that sequence (FLAIR, channel 2: zero is the brain's mean after z-scoring, and outside it).
   * The model then learns the regime of real studies without FLAIR, instead of meeting it first on a patient.
   * Absent: no draw is made, so runs without it see exactly the batches they saw before it existed.
   */
  dropChannel?: { channel: number; probability: number };
}

export const DEFAULT_AUGMENT: AugmentOptions = {
  flipProbability: 0.5,
  scaleProbability: 0.3,
  scaleRange: [0.85, 1.15],
  shiftProbability: 0.3,
  shiftMax: 0.1,
  noiseProbability: 0.15,
  noiseMaxSd: 0.1,
};

/** No augmentation at all (overfitting checks, debugging). */
export const NO_AUGMENT: AugmentOptions = {
  flipProbability: 0,
  scaleProbability: 0,
  scaleRange: [1, 1],
  shiftProbability: 0,
  shiftMax: 0,
  noiseProbability: 0,
  noiseMaxSd: 0,
};

export function augmentBatch(batch: BatchBuffer, rng: Random, options: AugmentOptions = DEFAULT_AUGMENT): void {
  const voxels = batch.patch[0] * batch.patch[1] * batch.patch[2];
  for (let sample = 0; sample < batch.batchSize; sample++) {
    for (let axis = 0 as 0 | 1 | 2; axis < 3; axis++) {
      if (!rng.chance(options.flipProbability)) continue;
      for (let ch = 0; ch < batch.channels; ch++)
        flipInPlace(batch.image, (sample * batch.channels + ch) * voxels, batch.patch, axis);
      flipInPlace(batch.label, sample * voxels, batch.patch, axis);
    }
    const drop = options.dropChannel;
    const dropped = drop !== undefined && drop.channel < batch.channels && rng.chance(drop.probability);
    for (let ch = 0; ch < batch.channels; ch++) {
      const offset = (sample * batch.channels + ch) * voxels;
      if (dropped && ch === drop.channel) {
        // Exactly zero, as a missing sequence reaches the network: no intensity augmentation on top.
        batch.image.fill(0, offset, offset + voxels);
        continue;
      }
      if (rng.chance(options.scaleProbability)) {
        const factor = rng.range(options.scaleRange[0], options.scaleRange[1]);
        for (let i = offset; i < offset + voxels; i++) batch.image[i] *= factor;
      }
      if (rng.chance(options.shiftProbability)) {
        const shift = rng.range(-options.shiftMax, options.shiftMax);
        for (let i = offset; i < offset + voxels; i++) batch.image[i] += shift;
      }
      if (rng.chance(options.noiseProbability)) {
        addGaussianNoise(batch.image, offset, voxels, rng.range(0, options.noiseMaxSd), rng);
      }
    }
  }
}

/** Adds N(0, sd²) noise to data[offset .. offset+length). */
export function addGaussianNoise(data: Float32Array, offset: number, length: number, sd: number, rng: Random): void {
  const end = offset + length;
  for (let i = offset; i < end; i++) data[i] += sd * rng.normal();
}

/** Mirrors the [D, H, W] block at `offset` along one axis (0 = D, 1 = H, 2 = W), in place, by swapping. */
export function flipInPlace(data: Float32Array, offset: number, dims: SpatialDims, axis: 0 | 1 | 2): void {
  const [d, h, w] = dims;
  if (axis === 2) {
    for (let row = offset; row < offset + d * h * w; row += w) {
      for (let a = row, b = row + w - 1; a < b; a++, b--) swap(data, a, b);
    }
    return;
  }
  // For D, whole H·W slabs swap; for H, whole W rows swap inside each slab.
  const [outer, count, stride] = axis === 0 ? [1, d, h * w] : [d, h, w];
  for (let o = 0; o < outer; o++) {
    const base = offset + o * count * stride;
    for (let i = 0, j = count - 1; i < j; i++, j--) {
      const a = base + i * stride;
      const b = base + j * stride;
      for (let k = 0; k < stride; k++) swap(data, a + k, b + k);
    }
  }
}

function swap(data: Float32Array, a: number, b: number): void {
  const t = data[a];
  data[a] = data[b];
  data[b] = t;
}
