/**
 * What a study may be before any compute is spent on it. The defaults admit every clinical DWI/ADC/FLAIR seen in
 * ISLES'22 (FLAIR up to 512×512×~300) with room to spare, and refuse headers that would allocate gigabytes or whose
 * voxel sizes are not physical (a header in metres, or with a zero pixdim).
 */
import { InvalidArgumentError } from '@fedstroke/common';
import type { Vec3 } from '@fedstroke/nifti';
import { StudyInputError } from './errors';
import type { StudyRole } from './study-files';

export interface StudyLimits {
  /** Most voxels one file may hold (nx·ny·nz). Default 64 Mi (e.g. 512×512×256). */
  maxVoxels: number;
  /** Smallest voxel edge in mm. Default 0.1. */
  minSpacingMm: number;
  /** Largest voxel edge in mm. Default 15. */
  maxSpacingMm: number;
  /**
   * Largest element-wise affine difference (mm) at which an ADC of the DWI's shape is taken as on the DWI grid (with
   * a QC note). Real ISLES'22 files carry qform/sform that differ slightly between files of one case. Default 1.
   */
  affineToleranceMm: number;
}

export const DEFAULT_STUDY_LIMITS: Readonly<StudyLimits> = {
  maxVoxels: 64 * 1024 * 1024,
  minSpacingMm: 0.1,
  maxSpacingMm: 15,
  affineToleranceMm: 1,
};

/** Defaults filled in and every field checked (the error names the field and the constraint). */
export function resolveStudyLimits(partial: Partial<StudyLimits> = {}): StudyLimits {
  const limits = { ...DEFAULT_STUDY_LIMITS, ...partial };
  if (!Number.isSafeInteger(limits.maxVoxels) || limits.maxVoxels < 1) {
    throw new InvalidArgumentError(`maxVoxels must be a positive integer, got ${limits.maxVoxels}`);
  }
  for (const field of ['minSpacingMm', 'maxSpacingMm', 'affineToleranceMm'] as const) {
    if (!Number.isFinite(limits[field]) || limits[field] < 0) {
      throw new InvalidArgumentError(`${field} must be a non-negative number of mm, got ${limits[field]}`);
    }
  }
  if (limits.minSpacingMm > limits.maxSpacingMm) {
    throw new InvalidArgumentError(
      `minSpacingMm (${limits.minSpacingMm}) must not exceed maxSpacingMm (${limits.maxSpacingMm})`,
    );
  }
  return limits;
}

/** The geometry of one file, from its header or its loaded volume. */
export interface FileGrid {
  /** DWI, ADC, FLAIR, or another word for a file whose role is not known yet (an upload). */
  role: StudyRole | string;
  file: string;
  shape: Vec3;
  spacing: Vec3;
  affine: Float64Array;
}

export const formatShape = (shape: readonly number[]): string => shape.join('x');
export const formatSpacing = (spacing: readonly number[]): string =>
  `${spacing.map((s) => Number(s.toFixed(3))).join('x')} mm`;

/** Refuses a file whose size or voxel spacing is outside the limits, naming the file and both numbers. */
export function checkGridLimits(grid: FileGrid, limits: StudyLimits): void {
  const voxels = grid.shape[0] * grid.shape[1] * grid.shape[2];
  if (voxels > limits.maxVoxels) {
    throw new StudyInputError(
      'STUDY_TOO_LARGE',
      [grid.file],
      `${grid.role} ${grid.file}: ${formatShape(grid.shape)} = ${voxels} voxels, more than the limit of ` +
        `${limits.maxVoxels} voxels per file (maxVoxels)`,
    );
  }
  const bad = grid.spacing.findIndex((s) => !(s >= limits.minSpacingMm && s <= limits.maxSpacingMm));
  if (bad >= 0) {
    throw new StudyInputError(
      'STUDY_SPACING_OUT_OF_RANGE',
      [grid.file],
      `${grid.role} ${grid.file}: voxel spacing ${formatSpacing(grid.spacing)} (axis ${'ijk'[bad]}) is outside ` +
        `[${limits.minSpacingMm}, ${limits.maxSpacingMm}] mm; expected a physical MRI voxel size`,
    );
  }
}
