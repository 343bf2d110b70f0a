import type { SpatialDims } from './training-case';

/**
 * The network's input batch, allocated once per run and refilled in place every step:
 * image [N, C, D, H, W] and label [N, 1, D, H, W], float32, W fastest.
 */
export interface BatchBuffer {
  batchSize: number;
  channels: number;
  patch: SpatialDims;
  image: Float32Array;
  label: Float32Array;
  imageShape: [number, number, number, number, number];
  labelShape: [number, number, number, number, number];
}

export function createBatchBuffer(batchSize: number, channels: number, patch: SpatialDims): BatchBuffer {
  const voxels = patch[0] * patch[1] * patch[2];
  return {
    batchSize,
    channels,
    patch,
    image: new Float32Array(batchSize * channels * voxels),
    label: new Float32Array(batchSize * voxels),
    imageShape: [batchSize, channels, ...patch],
    labelShape: [batchSize, 1, ...patch],
  };
}
