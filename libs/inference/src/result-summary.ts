import { affineToRows, type Vec3 } from '@fedstroke/nifti';
import type { SegmentationResult } from './segment-study';

/** Everything about a segmentation except its voxels: what `--json` prints and what the coordinator stores. */
export type SegmentationSummary = Omit<SegmentationResult, 'mask' | 'prob'> & {
  /** The mask's grid: the DWI's shape, spacing and affine (4 rows). */
  grid: { shape: Vec3; spacing: Vec3; affine: number[][] };
};

export function summarizeSegmentation(result: SegmentationResult): SegmentationSummary {
  return {
    lesionVolumeMl: result.lesionVolumeMl,
    lesionCount: result.lesionCount,
    lesions: result.lesions,
    model: result.model,
    timings: result.timings,
    qcWarnings: result.qcWarnings,
    grid: { shape: result.mask.shape, spacing: result.mask.spacing, affine: affineToRows(result.mask.affine) },
  };
}
