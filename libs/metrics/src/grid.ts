import { InvalidArgumentError } from '@fedstroke/common';
import { MetricsShapeMismatchError } from './errors';

/** [nx, ny, nz]: voxel counts along i, j, k (x fastest in memory). */
export type GridShape = readonly [number, number, number];

/** Voxel size in mm along i, j, k. */
export type VoxelSpacing = readonly [number, number, number];

export function voxelCountOf(shape: GridShape): number {
  if (shape.length !== 3 || !shape.every((n) => Number.isInteger(n) && n > 0)) {
    throw new InvalidArgumentError(`shape must be three positive integers [nx, ny, nz], got [${shape.join(', ')}]`);
  }
  return shape[0] * shape[1] * shape[2];
}

/** Throws unless `mask` has exactly one value per voxel of `shape`. */
export function assertFitsShape(mask: ArrayLike<number>, shape: GridShape, name = 'mask'): void {
  const expected = voxelCountOf(shape);
  if (mask.length !== expected) {
    throw new MetricsShapeMismatchError(
      `${name} has ${mask.length} voxels but shape [${shape.join(', ')}] needs ${expected}`,
    );
  }
}

/** Throws unless the prediction and the ground truth have the same number of voxels. */
export function assertSameLength(pred: ArrayLike<number>, gt: ArrayLike<number>): void {
  if (pred.length !== gt.length) {
    throw new MetricsShapeMismatchError(
      `prediction has ${pred.length} voxels but ground truth has ${gt.length}; both must cover the same grid`,
    );
  }
}

/** Voxel volume in mL (1 mL = 1000 mm³) from the voxel size in mm. */
export function voxelVolumeMlOf(spacing: VoxelSpacing): number {
  if (spacing.length !== 3 || !spacing.every((s) => Number.isFinite(s) && s > 0)) {
    throw new InvalidArgumentError(`spacing must be three positive sizes in mm, got [${spacing.join(', ')}]`);
  }
  return (spacing[0] * spacing[1] * spacing[2]) / 1000;
}
