import { assertSameLength } from './grid';

/** Number of foreground (nonzero) voxels. */
export function foregroundCount(mask: ArrayLike<number>): number {
  let count = 0;
  for (let v = 0; v < mask.length; v++) if (mask[v] !== 0) count++;
  return count;
}

/**
 * AVD = |vol(GT) − vol(pred)| in mL, with `voxelVolumeMl` the volume of one voxel in mL (spacing product / 1000).
 * Both masks are on one grid, so the difference of voxel counts times the voxel volume is exact.
 */
export function absoluteVolumeDifferenceMl(
  pred: ArrayLike<number>,
  gt: ArrayLike<number>,
  voxelVolumeMl: number,
): number {
  assertSameLength(pred, gt);
  return Math.abs(foregroundCount(gt) - foregroundCount(pred)) * voxelVolumeMl;
}
