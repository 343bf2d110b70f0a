import { InvalidArgumentError } from '@fedstroke/common';
import { resampleToSpacing, Vec3, Volume } from '@fedstroke/nifti';
import type { LoadedCase } from '../loading/loaded-case';
import type { Preprocessing } from './preprocessing';

/**
 * Resamples every channel (trilinear), the brain and the mask (nearest) to a target voxel spacing in mm, so sites with
 * different scanner resolutions feed the network voxels of one physical size. The crop box, if any, no longer maps
 * voxel to voxel afterwards and is dropped; `nativeGrid` plus the affine remain the way back.
 */
export class ResampleToSpacing implements Preprocessing {
  readonly name = 'resample-to-spacing';

  constructor(readonly target: Vec3) {
    if (target.length !== 3 || target.some((value) => !Number.isFinite(value) || value <= 0))
      throw new InvalidArgumentError(`ResampleToSpacing target must be three positive mm values, got [${target}]`);
  }

  apply(input: LoadedCase): LoadedCase {
    if (input.spacing.every((value, axis) => Math.abs(value - this.target[axis]) < 1e-6)) return input;
    const asVolume = (data: Float32Array): Volume => ({
      data,
      shape: input.shape,
      spacing: input.spacing,
      affine: input.affine,
      source: `${input.id} (${this.name})`,
    });
    const channels = input.channels.map((channel) => resampleToSpacing(asVolume(channel), this.target, 'linear'));
    const grid = channels[0];
    const nearest = (labels: Uint8Array) =>
      Uint8Array.from(resampleToSpacing(asVolume(Float32Array.from(labels)), this.target, 'nearest').data);
    const mask = input.mask ? nearest(input.mask) : undefined;
    return {
      ...input,
      shape: grid.shape,
      spacing: grid.spacing,
      affine: grid.affine,
      channels: channels.map((volume) => volume.data),
      mask,
      brain: nearest(input.brain),
      crop: undefined,
    };
  }
}
