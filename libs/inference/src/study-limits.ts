/**
 * What a study may be before any compute is spent on it. The defaults admit every clinical DWI/ADC/FLAIR seen in
 * ISLES'22 (DWI 112×112×73 at 2 mm, FLAIR up to 512×512×~300 at 0.45×0.45×5 mm) with room to spare, and refuse
 * headers that would allocate gigabytes, whose voxel sizes are not physical (a header in metres, a zero pixdim), or
 * whose shape is no head at all (1×1×100000, 8192×8192×1): such files would hold the inference slot for minutes.
 * The cost of the sliding window is bounded too, by the number of network runs a segmentation may take.
 */
import { InvalidArgumentError } from '@fedstroke/common';
import { formatShape, formatSpacing, type Vec3 } from '@fedstroke/nifti';
import { StudyInputError } from './errors';
import type { StudyRole } from './study-files';

export interface StudyLimits {
  /** Most voxels one file may hold (nx·ny·nz). Default 64 Mi (e.g. 512×512×256). */
  maxVoxels: number;
  /** Smallest voxel edge in mm. Default 0.1. */
  minSpacingMm: number;
  /** Largest voxel edge in mm. Default 15. */
  maxSpacingMm: number;
  /** Fewest voxels along any axis. Default 8 (stroke DWI has tens of slices; ISLES'22: 73). */
  minVoxelsPerAxis: number;
  /** Smallest field of view (voxels × spacing) along any axis, mm. Default 40: even a thin slab is a few cm. */
  minFieldOfViewMm: number;
  /** Largest field of view along any axis, mm. Default 500: a head fits in about 250 mm. */
  maxFieldOfViewMm: number;
  /** Largest ratio of the longest field of view to the shortest. Default 6 (ISLES'22: about 1.6). */
  maxFieldOfViewAspect: number;
  /**
   * Most network runs one segmentation may take: sliding windows over the cropped brain, each TTA flip counted.
   * Default 2048 (the real ISLES'22 case takes 4 at the default 64³ window, 32 with TTA).
   */
  maxWindowRuns: number;
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
  minVoxelsPerAxis: 8,
  minFieldOfViewMm: 40,
  maxFieldOfViewMm: 500,
  maxFieldOfViewAspect: 6,
  maxWindowRuns: 2048,
  affineToleranceMm: 1,
};

const POSITIVE_INTEGERS = ['maxVoxels', 'minVoxelsPerAxis', 'maxWindowRuns'] as const;
const NON_NEGATIVE_MM = [
  'minSpacingMm',
  'maxSpacingMm',
  'minFieldOfViewMm',
  'maxFieldOfViewMm',
  'affineToleranceMm',
] as const;

/** Defaults filled in and every field checked (the error names the field and the constraint). */
export function resolveStudyLimits(partial: Partial<StudyLimits> = {}): StudyLimits {
  const limits = { ...DEFAULT_STUDY_LIMITS, ...partial };
  for (const field of POSITIVE_INTEGERS) {
    if (!Number.isSafeInteger(limits[field]) || limits[field] < 1) {
      throw new InvalidArgumentError(`${field} must be a positive integer, got ${limits[field]}`);
    }
  }
  for (const field of NON_NEGATIVE_MM) {
    if (!Number.isFinite(limits[field]) || limits[field] < 0) {
      throw new InvalidArgumentError(`${field} must be a non-negative number of mm, got ${limits[field]}`);
    }
  }
  if (!(limits.maxFieldOfViewAspect >= 1)) {
    throw new InvalidArgumentError(`maxFieldOfViewAspect must be a ratio >= 1, got ${limits.maxFieldOfViewAspect}`);
  }
  for (const [low, high] of [
    ['minSpacingMm', 'maxSpacingMm'],
    ['minFieldOfViewMm', 'maxFieldOfViewMm'],
  ] as const) {
    if (limits[low] > limits[high]) {
      throw new InvalidArgumentError(`${low} (${limits[low]}) must not exceed ${high} (${limits[high]})`);
    }
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

const AXES = 'ijk';

function refuse(grid: FileGrid, code: string, detail: string): never {
  throw new StudyInputError(code, [grid.file], `${grid.role} ${grid.file}: ${detail}`);
}

/**
 * Refuses a file whose size, voxel spacing or shape is outside the limits, naming the file, the limit (by its
 * option name) and what was found. Order: size first (the cheapest reason to refuse the largest files).
 */
export function checkGridLimits(grid: FileGrid, limits: StudyLimits): void {
  const { shape, spacing } = grid;
  const voxels = shape[0] * shape[1] * shape[2];
  if (voxels > limits.maxVoxels) {
    refuse(
      grid,
      'STUDY_TOO_LARGE',
      `${formatShape(shape)} = ${voxels} voxels, more than the limit of ${limits.maxVoxels} voxels per file (maxVoxels)`,
    );
  }
  const badSpacing = spacing.findIndex((s) => !(s >= limits.minSpacingMm && s <= limits.maxSpacingMm));
  if (badSpacing >= 0) {
    refuse(
      grid,
      'STUDY_SPACING_OUT_OF_RANGE',
      `voxel spacing ${formatSpacing(spacing)} (axis ${AXES[badSpacing]}) is outside ` +
        `[${limits.minSpacingMm}, ${limits.maxSpacingMm}] mm; expected a physical MRI voxel size`,
    );
  }
  const thin = shape.findIndex((n) => n < limits.minVoxelsPerAxis);
  if (thin >= 0) {
    refuse(
      grid,
      'STUDY_SHAPE_DEGENERATE',
      `shape ${formatShape(shape)} has ${shape[thin]} voxel(s) along axis ${AXES[thin]}, fewer than ` +
        `${limits.minVoxelsPerAxis} (minVoxelsPerAxis); expected a 3-D head volume`,
    );
  }
  const fov = shape.map((n, axis) => n * spacing[axis]);
  const describeFov = `field of view ${fov.map((mm) => Number(mm.toFixed(1))).join('x')} mm (${formatShape(shape)} at ${formatSpacing(spacing)})`;
  const narrow = fov.findIndex((mm) => mm < limits.minFieldOfViewMm);
  const wide = fov.findIndex((mm) => mm > limits.maxFieldOfViewMm);
  if (narrow >= 0 || wide >= 0) {
    refuse(
      grid,
      'STUDY_FIELD_OF_VIEW',
      `${describeFov} is outside [${limits.minFieldOfViewMm}, ${limits.maxFieldOfViewMm}] mm along axis ` +
        `${AXES[narrow >= 0 ? narrow : wide]} (minFieldOfViewMm, maxFieldOfViewMm); expected a head`,
    );
  }
  const aspect = Math.max(...fov) / Math.min(...fov);
  if (aspect > limits.maxFieldOfViewAspect) {
    refuse(
      grid,
      'STUDY_FIELD_OF_VIEW',
      `${describeFov} has an aspect ratio of ${aspect.toFixed(1)}, more than ${limits.maxFieldOfViewAspect} ` +
        '(maxFieldOfViewAspect); expected a head',
    );
  }
}

/** Refuses a segmentation whose sliding window would take more network runs than the limit. */
export function checkWindowRuns(
  runs: number,
  what: { file: string; shape: Vec3; window: readonly number[]; tta: boolean },
  limits: Pick<StudyLimits, 'maxWindowRuns'>,
): void {
  if (runs <= limits.maxWindowRuns) return;
  throw new StudyInputError(
    'STUDY_TOO_MANY_WINDOWS',
    [what.file],
    `DWI ${what.file}: the brain's ${formatShape(what.shape)} voxels take ${runs} network runs at window ` +
      `${what.window.join('x')}${what.tta ? ' with 8-fold TTA' : ''}, more than the limit of ${limits.maxWindowRuns} ` +
      '(maxWindowRuns); use a larger window, less overlap or no TTA',
  );
}
