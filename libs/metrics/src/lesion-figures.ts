import { InvalidArgumentError } from '@fedstroke/common';
import { labelComponents } from './connected-components';
import { assertFitsShape, voxelVolumeMlOf, type GridShape, type VoxelSpacing } from './grid';

/** A point as (i, j, k) voxel coordinates or (x, y, z) world millimetres. */
export type Point3 = [number, number, number];

/** One lesion (26-connected component) of a mask. */
export interface LesionFigure {
  /** Its label in `labelComponents(mask, shape).labels` (raster order of first voxel). */
  label: number;
  voxels: number;
  volumeMl: number;
  /** Mean (i, j, k) of its voxels. */
  centroidVoxel: Point3;
  /** The centroid mapped through the voxel → world affine, in mm; only when an affine is given. */
  centroidWorldMm?: Point3;
}

export interface LesionFigures {
  /** Largest first (ties by label), the order a clinical report lists them. */
  lesions: LesionFigure[];
  count: number;
  totalVoxels: number;
  totalVolumeMl: number;
  /** The voxel volume used for every mL figure, and where it came from. */
  voxelVolumeMl: number;
  voxelVolumeSource: 'spacing' | 'affine' | 'assumed-1mm';
}

/** |det| of the affine's 3×3 part / 1000: the true voxel volume in mL, shear included. */
function voxelVolumeMlFromAffine(affine: Float64Array): number {
  const [a, b, c, , d, e, f, , g, h, i] = affine;
  return Math.abs(a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g)) / 1000;
}

/**
 * Per-lesion volume and centroid of a binary mask (nonzero = foreground), for clinical reports.
 *
 * The voxel volume comes from `spacing` when given, else from the affine's determinant; with neither, voxels are
 * taken as 1 mm³ and `voxelVolumeSource` says so, so a caller can never mistake an assumed volume for a measured one.
 */
export function lesionFigures(
  mask: ArrayLike<number>,
  shape: GridShape,
  affine?: Float64Array,
  spacing?: VoxelSpacing,
): LesionFigures {
  assertFitsShape(mask, shape);
  if (affine !== undefined && affine.length !== 16) {
    throw new InvalidArgumentError(`affine must be a 4x4 row-major Float64Array (16 values), got ${affine.length}`);
  }
  const voxelVolumeSource = spacing ? 'spacing' : affine ? 'affine' : 'assumed-1mm';
  const voxelMl = spacing ? voxelVolumeMlOf(spacing) : affine ? voxelVolumeMlFromAffine(affine) : 0.001;
  const { labels, count, sizes } = labelComponents(mask, shape);

  // Coordinate sums per label in float64: exact for any realistic mask (sums stay far below 2^53).
  const sums = new Float64Array(3 * (count + 1));
  const [nx, ny, nz] = shape;
  for (let k = 0, v = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, v++) {
        const l = labels[v];
        if (l === 0) continue;
        sums[3 * l] += i;
        sums[3 * l + 1] += j;
        sums[3 * l + 2] += k;
      }
    }
  }

  const lesions: LesionFigure[] = [];
  for (let l = 1; l <= count; l++) {
    const voxels = sizes[l - 1];
    const centroidVoxel: Point3 = [sums[3 * l] / voxels, sums[3 * l + 1] / voxels, sums[3 * l + 2] / voxels];
    const figure: LesionFigure = { label: l, voxels, volumeMl: voxels * voxelMl, centroidVoxel };
    if (affine) figure.centroidWorldMm = applyAffine(affine, centroidVoxel);
    lesions.push(figure);
  }
  lesions.sort((a, b) => b.voxels - a.voxels || a.label - b.label);
  const totalVoxels = sizes.reduce((sum, n) => sum + n, 0);
  return {
    lesions,
    count,
    totalVoxels,
    totalVolumeMl: totalVoxels * voxelMl,
    voxelVolumeMl: voxelMl,
    voxelVolumeSource,
  };
}

function applyAffine(affine: Float64Array, [i, j, k]: Point3): Point3 {
  return [
    affine[0] * i + affine[1] * j + affine[2] * k + affine[3],
    affine[4] * i + affine[5] * j + affine[6] * k + affine[7],
    affine[8] * i + affine[9] * j + affine[10] * k + affine[11],
  ];
}
