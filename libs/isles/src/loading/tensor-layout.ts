/**
 * The one boundary between volumes and tensors. A volume's shape is [nx, ny, nz] with x fastest (NIfTI order); the
 * network's tensors are [N, C, D, H, W] with W fastest. The voxel order is the same, so no data moves: only the
 * names of the axes reverse, here and nowhere else. Cases carry volume shapes; code that cuts patches or builds a
 * network input asks for tensor dims through these functions.
 */
import type { Vec3 } from '@fedstroke/nifti';

/** Spatial tensor dims [D, H, W] = [nz, ny, nx] (W fastest), the order every network buffer uses. */
export type SpatialDims = [number, number, number];

export function tensorDims(shape: Readonly<Vec3>): SpatialDims {
  return [shape[2], shape[1], shape[0]];
}

export function volumeShape(dims: Readonly<SpatialDims>): Vec3 {
  return [dims[2], dims[1], dims[0]];
}

/** A dense [1, C, D, H, W] float32 network input. */
export interface NetworkInput {
  data: Float32Array;
  shape: [number, number, number, number, number];
}

/**
 * The channels of one case as a [1, C, D, H, W] input. Channels that already are consecutive views of one buffer
 * (as ZScoreWithinBrain leaves them) are that buffer, without a copy; others are copied into a new one.
 */
export function networkInput(channels: readonly Float32Array[], shape: Readonly<Vec3>): NetworkInput {
  const voxels = shape[0] * shape[1] * shape[2];
  const first = channels[0];
  const stacked = channels.every(
    (channel, c) =>
      channel.length === voxels &&
      channel.buffer === first.buffer &&
      channel.byteOffset === first.byteOffset + c * voxels * 4,
  );
  let data: Float32Array;
  if (stacked) data = new Float32Array(first.buffer, first.byteOffset, channels.length * voxels);
  else {
    data = new Float32Array(channels.length * voxels);
    channels.forEach((channel, c) => data.set(channel, c * voxels));
  }
  return { data, shape: [1, channels.length, ...tensorDims(shape)] };
}
