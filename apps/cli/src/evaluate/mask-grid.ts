import { affineToRows, assertMask, isSameGrid, maxAffineDifference, type Volume } from '@fedstroke/nifti';
import { GridMismatchError, NotAMaskError } from './evaluate.errors';

/** Prediction voxels above this value are lesion: binary masks (0/1) and probability maps both read correctly. */
export const MASK_THRESHOLD = 0.5;

/** Default largest element-wise affine difference still taken as the same grid (mm for the translation column). */
export const DEFAULT_GRID_TOLERANCE = 1e-3;

function describeGrid(volume: Volume): string {
  const rows = affineToRows(volume.affine)
    .slice(0, 3)
    .map((row) => `[${row.map((x) => +x.toFixed(4)).join(', ')}]`)
    .join(' ');
  return `shape ${volume.shape.join('x')}, spacing ${volume.spacing.map((s) => +s.toFixed(4)).join('x')} mm, affine ${rows}`;
}

/**
 * Throws unless both volumes share a voxel grid: equal shapes and affines equal element-wise within `tolerance`.
 * Real ISLES'22 files store the same grid as qform in one file and sform in another, which differ by float rounding,
 * hence a tolerance rather than exact equality.
 */
export function assertSameGrid(pred: Volume, gt: Volume, tolerance = DEFAULT_GRID_TOLERANCE): void {
  if (isSameGrid(pred, gt, tolerance)) return;
  const sameShape = pred.shape.every((n, axis) => n === gt.shape[axis]);
  const affineDifference = maxAffineDifference(pred.affine, gt.affine);
  const why = sameShape
    ? `affines differ by up to ${affineDifference.toPrecision(3)} (tolerance ${tolerance})`
    : 'shapes differ';
  throw new GridMismatchError(
    `prediction and ground truth must share one voxel grid, but ${why}: ` +
      `prediction ${pred.source ?? '(in memory)'} has ${describeGrid(pred)}; ` +
      `ground truth ${gt.source ?? '(in memory)'} has ${describeGrid(gt)}. ` +
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
