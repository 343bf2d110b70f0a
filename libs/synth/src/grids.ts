import type { Random } from '@fedstroke/common';
import type { Vec3 } from '@fedstroke/nifti';
import type { CenterProfile } from './centers';
import { degrees, Matrix3, rotationXYZ } from './rotation';

/** A voxel grid with its voxel → world affine (4×4 row-major), as a NIfTI file stores it. */
export interface Grid {
  shape: Vec3;
  spacing: Vec3;
  affine: Float64Array;
}

/** Builds the affine of a grid whose centre voxel sits at `centre` (world mm), axes = rotation · diag(flip·spacing). */
function centredAffine(shape: Vec3, spacing: Vec3, flips: Vec3, rotation: Matrix3, centre: Vec3): Float64Array {
  const affine = new Float64Array(16);
  for (let row = 0; row < 3; row++) {
    let offset = centre[row];
    for (let col = 0; col < 3; col++) {
      const value = rotation[row * 3 + col] * flips[col] * spacing[col];
      affine[row * 4 + col] = value;
      offset -= value * ((shape[col] - 1) / 2);
    }
    affine[row * 4 + 3] = offset;
  }
  affine[15] = 1;
  return affine;
}

/**
 * The DWI grid (ADC and the mask share it): radiological LAS storage like the real ISLES'22 files (x flipped), a
 * rotation of a degree or two and an off-centre origin, as scanner exports have.
 */
export function dwiGrid(shape: Vec3, baseSpacing: Vec3, center: CenterProfile, random: Random): Grid {
  const [inPlane, slice] = center.dwiSpacingScale;
  const spacing: Vec3 = [baseSpacing[0] * inPlane, baseSpacing[1] * inPlane, baseSpacing[2] * slice];
  const rotation = rotationXYZ(
    degrees(random.range(-2, 2)),
    degrees(random.range(-2, 2)),
    degrees(random.range(-2, 2)),
  );
  const centre: Vec3 = [random.range(-3, 3), random.range(-3, 3), random.range(-3, 3)];
  return { shape, spacing, affine: centredAffine(shape, spacing, [-1, 1, 1], rotation, centre) };
}

/**
 * FLAIR in its own native space: finer in-plane, thicker slices, a tilted slab (oblique acquisition), RAS storage
 * and its own origin, covering the DWI field of view, so it must be resampled through both affines.
 */
export function flairGrid(dwi: Grid, center: CenterProfile, random: Random): Grid {
  const [inPlane, slice] = center.flairSpacingScale;
  const base = dwi.spacing;
  const spacing: Vec3 = [base[0] * inPlane, base[1] * inPlane, base[2] * slice];
  const fieldOfView = dwi.shape.map((n, axis) => n * dwi.spacing[axis] * (axis < 2 ? 1.05 : 1)) as Vec3;
  const shape = fieldOfView.map((mm, axis) => Math.ceil(mm / spacing[axis])) as Vec3;
  const tilt = rotationXYZ(degrees(center.flairTiltDegrees + random.range(-3, 3)), 0, degrees(random.range(-3, 3)));
  const centre: Vec3 = [random.range(-5, 5), random.range(-5, 5), random.range(-5, 5)];
  return { shape, spacing, affine: centredAffine(shape, spacing, [1, 1, 1], tilt, centre) };
}

/**
 * The 3×4 map from voxel indices straight to brain-local coordinates (mm, brain centre at 0, x right, y anterior,
 * z superior): local = Rᵀ · (affine · [i, j, k, 1] − centre). Rendering walks voxels with three additions per step.
 */
export function voxelToLocal(grid: Grid, poseRotation: Matrix3, poseCentre: Vec3): Float64Array {
  const map = new Float64Array(12);
  const a = grid.affine;
  for (let row = 0; row < 3; row++) {
    for (let col = 0; col < 4; col++) {
      let value = 0;
      for (let k = 0; k < 3; k++) {
        // Rᵀ[row][k] = R[k][row]
        const world = col < 3 ? a[k * 4 + col] : a[k * 4 + 3] - poseCentre[k];
        value += poseRotation[k * 3 + row] * world;
      }
      map[row * 4 + col] = value;
    }
  }
  return map;
}
