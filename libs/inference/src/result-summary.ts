import { affineToRows, type Vec3 } from '@fedstroke/nifti';
import type { QcWarning } from '@fedstroke/isles';
import type { LesionSummary, SegmentationResult, SegmentationTimings } from './segment-study';
import type { ModelInfo } from './segmentation-model';

/** Everything about a segmentation except its voxels: what `--json` prints and what the coordinator stores. */
export interface SegmentationSummary {
  lesionVolumeMl: number;
  lesionCount: number;
  lesions: LesionSummary[];
  model: ModelInfo;
  timings: SegmentationTimings;
  qcWarnings: QcWarning[];
  /** The mask's grid: the DWI's shape, spacing and affine (4 rows). */
  grid: { shape: Vec3; spacing: Vec3; affine: number[][] };
}

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
