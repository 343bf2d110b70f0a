/**
 * DWI and ADC are computed from the same acquisition, so they must share one voxel grid. A different shape is a
 * different image (e.g. a T2 handed in as the ADC) and is refused; the same shape with affines that differ by float
 * rounding or by the qform/sform disagreement real ISLES'22 files carry is accepted on the DWI's affine, with a note.
 */
import { maxAffineDifference, orientationCode } from '@fedstroke/nifti';
import { StudyInputError } from './errors';
import type { QcWarning } from './qc-warnings';
import { type FileGrid, formatShape, formatSpacing } from './study-limits';

/** Affines this close are the same grid (float32 rounding in headers written by different tools). */
const SAME_GRID_MM = 1e-3;

function describeGrid(grid: FileGrid): string {
  const origin = [grid.affine[3], grid.affine[7], grid.affine[11]].map((v) => v.toFixed(1)).join(', ');
  return `${formatShape(grid.shape)} at ${formatSpacing(grid.spacing)}, ${orientationCode(grid.affine)}, origin (${origin}) mm`;
}

/**
 * Returns a QC note when `other` was accepted on `reference`'s affine, nothing when the grids are the same, and
 * throws STUDY_GRID_MISMATCH naming both files and both grids otherwise.
 */
export function checkSameGrid(reference: FileGrid, other: FileGrid, toleranceMm: number): QcWarning | undefined {
  const sameShape = reference.shape.every((n, axis) => n === other.shape[axis]);
  const difference = maxAffineDifference(reference.affine, other.affine);
  if (sameShape && difference <= SAME_GRID_MM) return undefined;
  if (sameShape && difference <= toleranceMm) {
    return {
      code: `${other.role}_AFFINE_ADOPTED`,
      message:
        `${other.role}: header affine differs from the ${reference.role}'s by up to ${difference.toFixed(4)} mm ` +
        `(tolerance ${toleranceMm} mm) on the same ${formatShape(other.shape)} grid; the ${reference.role} affine was used`,
    };
  }
  const why = sameShape
    ? `the affines differ by up to ${difference.toFixed(3)} mm (tolerance ${toleranceMm} mm)`
    : 'the shapes differ';
  throw new StudyInputError(
    'STUDY_GRID_MISMATCH',
    [reference.file, other.file],
    `${reference.role} ${reference.file} and ${other.role} ${other.file} are not on the same voxel grid (${why}): ` +
      `${reference.role} is ${describeGrid(reference)}; ${other.role} is ${describeGrid(other)}. ` +
      `Expected the ${other.role} of the same acquisition as the ${reference.role}`,
  );
}
