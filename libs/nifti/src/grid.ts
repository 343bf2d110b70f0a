/** Small questions about grids and masks that several libs ask, and the one "same voxel grid" check. */
import { FedstrokeError } from '@fedstroke/common';
import { affineColumnNorms, affineDeterminant3, maxAffineDifference } from './affine';
import { NiftiError } from './errors';
import { orientationCode } from './orientation';
import type { Affine, Vec3, Volume } from './volume';

/** Affines this close are the same grid: the float32 rounding that separates headers written by different tools. */
export const SAME_GRID_MM = 1e-3;

export const formatShape = (shape: readonly number[]): string => shape.join('x');
export const formatSpacing = (spacing: readonly number[]): string =>
  `${spacing.map((s) => Number(s.toFixed(3))).join('x')} mm`;

/** A grid with the words messages call it by: its role ("DWI", "prediction") and its file (a path or a label). */
export interface NamedGrid {
  role: string;
  file: string;
  shape: Vec3;
  affine: Affine;
}

/** "112x112x73 at 2x2x2 mm, LPS, origin (110.2, -111.8, -52.7) mm". */
export function describeGrid(grid: Pick<NamedGrid, 'shape' | 'affine'>): string {
  const origin = [grid.affine[3], grid.affine[7], grid.affine[11]].map((v) => v.toFixed(1)).join(', ');
  const spacing = formatSpacing(affineColumnNorms(grid.affine));
  return `${formatShape(grid.shape)} at ${spacing}, ${orientationCode(grid.affine)}, origin (${origin}) mm`;
}

/** Two files that must share a voxel grid do not. Names both files; `files` holds them as the caller named them. */
export class GridMismatchError extends FedstrokeError {
  constructor(
    readonly files: [string, string],
    message: string,
  ) {
    super('NIFTI_GRID_MISMATCH', message);
  }
}

export interface GridAgreement {
  /** Largest element-wise difference of the two affines (mm for the translation, mm per voxel for the rest). */
  differenceMm: number;
  /**
   * True when the affines differ by more than float rounding (SAME_GRID_MM) but within the tolerance: the same
   * grid whose headers disagree (real ISLES'22 files carry qform/sform that differ between the files of one case),
   * so `other` is taken on `reference`'s affine. The caller notes it.
   */
  adopted: boolean;
}

/**
 * The one "same voxel grid" check (case loading, clinical studies, `fedstroke evaluate`): the same shape, and
 * affines equal within `toleranceMm`. A different shape is a different image; so are affines further apart.
 * `expectation` ends the error message with what the caller wanted (e.g. "Expected the ADC of the same acquisition").
 */
export function checkSameGrid(
  reference: NamedGrid,
  other: NamedGrid,
  toleranceMm: number,
  expectation: string,
): GridAgreement {
  const sameShape = reference.shape.every((n, axis) => n === other.shape[axis]);
  const differenceMm = maxAffineDifference(reference.affine, other.affine);
  if (sameShape && differenceMm <= toleranceMm) return { differenceMm, adopted: differenceMm > SAME_GRID_MM };
  const why = sameShape
    ? `the affines differ by up to ${differenceMm.toFixed(3)} mm (tolerance ${toleranceMm} mm)`
    : 'the shapes differ';
  throw new GridMismatchError(
    [reference.file, other.file],
    `${reference.role} ${reference.file} and ${other.role} ${other.file} are not on the same voxel grid (${why}): ` +
      `${reference.role} is ${describeGrid(reference)}; ${other.role} is ${describeGrid(other)}. ${expectation}`,
  );
}

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
  tolerance = SAME_GRID_MM,
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
