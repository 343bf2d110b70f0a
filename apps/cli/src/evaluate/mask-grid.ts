import { assertMask, checkSameGrid, type Volume } from '@fedstroke/nifti';
import { NotAMaskError } from './evaluate.errors';

/** Prediction voxels above this value are lesion: binary masks (0/1) and probability maps both read correctly. */
export const MASK_THRESHOLD = 0.5;

/** Default largest element-wise affine difference still taken as the same grid (mm for the translation column). */
export const DEFAULT_GRID_TOLERANCE = 1e-3;

/**
 * Throws GridMismatchError (@fedstroke/nifti's one "same grid" check) unless both volumes share a voxel grid: equal
 * shapes and affines equal element-wise within `tolerance`. Real ISLES'22 files store the same grid as qform in one
 * file and sform in another, which differ by float rounding, hence a tolerance rather than exact equality.
 */
export function assertSameGrid(pred: Volume, gt: Volume, tolerance = DEFAULT_GRID_TOLERANCE): void {
  checkSameGrid(
    { role: 'prediction', file: pred.source ?? '(in memory)', shape: pred.shape, affine: pred.affine },
    { role: 'ground truth', file: gt.source ?? '(in memory)', shape: gt.shape, affine: gt.affine },
    tolerance,
    'Resample the prediction onto the ground-truth grid first.',
  );
}

/**
 * The prediction as a 0/1 mask (value > MASK_THRESHOLD). It may be a mask or a probability map, so every voxel must lie
 * in [0, 1]: anything else (NaN, 255, an MR intensity) means the wrong file was passed, and is an error, not a guess.
 */
export function binarizePrediction(volume: Volume): Uint8Array {
  const data = volume.data;
  const mask = new Uint8Array(data.length);
  for (let v = 0; v < data.length; v++) {
    const x = data[v];
    if (!(x >= 0 && x <= 1)) {
      throw new NotAMaskError(
        `prediction ${volume.source ?? '(in memory)'}: voxel ${v} is ${x}; expected a mask or probabilities in [0, 1]`,
      );
    }
    mask[v] = x > MASK_THRESHOLD ? 1 : 0;
  }
  return mask;
}

/** The ground truth as a 0/1 mask; it must already be binary (NiftiError NIFTI_NOT_BINARY otherwise). */
export function groundTruthMask(volume: Volume): Uint8Array {
  assertMask(volume);
  return Uint8Array.from(volume.data);
}
