import { labelComponents } from './connected-components';
import { assertFitsShape, assertSameLength, voxelVolumeMlOf, type GridShape, type VoxelSpacing } from './grid';
import { lesionDetectionFromLabels } from './lesion-detection';
import { dice } from './overlap';

/** Every ISLES'22 figure for one case, plus the volumes and lesion counts they derive from. */
export interface CaseMetrics {
  dice: number;
  /** Absolute volume difference, mL. */
  avdMl: number;
  /** Absolute lesion-count difference. */
  ald: number;
  lesionF1: number;
  tp: number;
  fp: number;
  fn: number;
  gtVolumeMl: number;
  predVolumeMl: number;
  gtLesions: number;
  predLesions: number;
}

/**
 * All case metrics from one labelling of each mask (the components are the costly part; ALD and F1 share them).
 * Masks are binary with nonzero = foreground; `spacing` is the voxel size in mm.
 */
export function caseMetrics(
  pred: ArrayLike<number>,
  gt: ArrayLike<number>,
  shape: GridShape,
  spacing: VoxelSpacing,
): CaseMetrics {
  assertSameLength(pred, gt);
  assertFitsShape(gt, shape, 'ground truth');
  const voxelMl = voxelVolumeMlOf(spacing);
  const predComponents = labelComponents(pred, shape);
  const gtComponents = labelComponents(gt, shape);
  const detection = lesionDetectionFromLabels(predComponents, gtComponents);
  const predVoxels = predComponents.sizes.reduce((sum, n) => sum + n, 0);
  const gtVoxels = gtComponents.sizes.reduce((sum, n) => sum + n, 0);
  return {
    dice: dice(pred, gt),
    avdMl: Math.abs(gtVoxels - predVoxels) * voxelMl,
    ald: Math.abs(gtComponents.count - predComponents.count),
    lesionF1: detection.f1,
    tp: detection.tp,
    fp: detection.fp,
    fn: detection.fn,
    gtVolumeMl: gtVoxels * voxelMl,
    predVolumeMl: predVoxels * voxelMl,
    gtLesions: gtComponents.count,
    predLesions: predComponents.count,
  };
}
