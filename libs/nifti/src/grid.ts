/** Small questions about grids and masks that several libs ask. */
import { affineDeterminant3, maxAffineDifference } from './affine';
import { NiftiError } from './errors';
import type { Affine, Vec3, Volume } from './volume';

/** Volume of one voxel in millilitres (|det| of the affine's 3×3 part, mm³ / 1000). */
export function voxelVolumeMl(volume: Pick<Volume, 'affine'>): number {
  return Math.abs(affineDeterminant3(volume.affine)) / 1000;
}

/**
 * Same shape, and affines equal within `tolerance` (mm for the translation, mm per voxel for the 3×3 part).
 * The default 1e-3 accepts the float32 rounding that separates files written by different tools.
 */
export function isSameGrid(
  a: { shape: Vec3; affine: Affine },
  b: { shape: Vec3; affine: Affine },
  tolerance = 1e-3,
): boolean {
  return a.shape.every((n, i) => n === b.shape[i]) && maxAffineDifference(a.affine, b.affine) <= tolerance;
}

/**
 * A mask must hold only 0 and 1. Anything else (NaN, 0.5, 255, −1) is an error naming the volume's source and
 * the first offending voxel, so a label map or a probability map is never mistaken for a mask.
 */
export function assertMask(volume: Volume): void {
  const { data, shape } = volume;
  for (let v = 0; v < data.length; v++) {
    const value = data[v];
    if (value === 0 || value === 1) continue;
    const i = v % shape[0];
    const j = Math.floor(v / shape[0]) % shape[1];
    const k = Math.floor(v / (shape[0] * shape[1])) % shape[2];
    throw new NiftiError(
      'NIFTI_NOT_BINARY',
      volume.source ?? 'mask',
      `expected a binary mask of 0 and 1, found ${value} at voxel (${i}, ${j}, ${k})`,
    );
  }
}
