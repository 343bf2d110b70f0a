/** A batch like torch_unet3d.py's synthetic one (one ball per sample), with the ball also visible in channel 0. */
import { Random } from '@fedstroke/common';
import type { Tensor5D } from '../input-shape';

export function ballBatch(
  samples: number,
  edge: number,
  channels: number,
  seed = 4,
): { image: Tensor5D; label: Tensor5D } {
  const voxels = edge ** 3;
  const random = new Random(seed);
  const label = new Float32Array(samples * voxels);
  const image = new Float32Array(samples * channels * voxels);
  const radius2 = (edge / 4) ** 2 * 0.75;
  for (let b = 0; b < samples; b++) {
    const centre = [0, 1, 2].map(() => edge * (0.25 + 0.5 * random.uniform()));
    for (let i = 0; i < voxels; i++) {
      const x = i % edge;
      const y = Math.floor(i / edge) % edge;
      const z = Math.floor(i / edge / edge);
      const inside = (x - centre[0]) ** 2 + (y - centre[1]) ** 2 + (z - centre[2]) ** 2 < radius2 ? 1 : 0;
      label[b * voxels + i] = inside;
      for (let c = 0; c < channels; c++)
        image[(b * channels + c) * voxels + i] = (c === 0 ? inside : 0) + random.uniform() - 0.5;
    }
  }
  return {
    image: { data: image, shape: [samples, channels, edge, edge, edge] },
    label: { data: label, shape: [samples, 1, edge, edge, edge] },
  };
}
