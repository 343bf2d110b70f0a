import { Random } from '@fedstroke/common';
import { addGaussianNoise } from '../augment';
import { toTrainingCase, type TrainingCase } from '../training-case';

/**
 * Test fixture: small in-memory cases with one ellipsoid "lesion" each. Channel 0 is bright inside the lesion
 * (DWI-like), channel 1 dark (ADC-like), any further channel carries no signal; all have Gaussian noise. A
 * per-voxel classifier can separate them, and so can a tiny U-Net.
 */
export function blobCases(count: number, shape: [number, number, number], seed: number, channels = 2): TrainingCase[] {
  const rng = new Random(seed);
  const [nx, ny, nz] = shape;
  return Array.from({ length: count }, (_, index) => {
    const centre = shape.map((n) => rng.range(0.3, 0.7) * n);
    const radii = shape.map((n) => rng.range(0.12, 0.22) * n);
    const mask = new Uint8Array(nx * ny * nz);
    const data = Array.from({ length: channels }, () => new Float32Array(nx * ny * nz));
    for (let z = 0; z < nz; z++)
      for (let y = 0; y < ny; y++)
        for (let x = 0; x < nx; x++) {
          const r = [x, y, z].reduce((s, v, axis) => s + ((v - centre[axis]) / radii[axis]) ** 2, 0);
          mask[x + nx * (y + ny * z)] = r <= 1 ? 1 : 0;
        }
    data.forEach((channel, c) => {
      for (let i = 0; i < channel.length; i++) channel[i] = c === 0 ? 2 * mask[i] : c === 1 ? -1.5 * mask[i] : 0;
      addGaussianNoise(channel, 0, channel.length, 0.3, rng);
    });
    return toTrainingCase({ id: `blob-${index}`, channels: data, mask, shape, spacing: [2, 2, 2] });
  });
}
