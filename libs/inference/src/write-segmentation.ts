/**
 * Writes a segmentation's mask (uint8, intent LABEL "lesion mask") and, when present, its probability map (float32),
 * as NIfTI on the DWI grid with the DWI's xform codes. Both carry the display range [0, 1] (cal_min, cal_max), so a
 * viewer draws probabilities on a fixed scale instead of stretching the faint values around the brain.
 */
import { InvalidArgumentError } from '@fedstroke/common';
import { NIFTI_INTENT, writeNifti } from '@fedstroke/nifti';
import type { SegmentationResult } from './segment-study';

const UNIT_RANGE = [0, 1] as const;

export async function writeSegmentation(
  result: Pick<SegmentationResult, 'mask' | 'prob'>,
  maskPath: string,
  probPath?: string,
): Promise<void> {
  await writeNifti(maskPath, result.mask, {
    datatype: 'uint8',
    displayRange: UNIT_RANGE,
    intent: { code: NIFTI_INTENT.LABEL, name: 'lesion mask' },
  });
  if (probPath === undefined) return;
  if (!result.prob) {
    throw new InvalidArgumentError(
      `a probability map was asked for (${probPath}) but segmentStudy ran without returnProbability`,
    );
  }
  await writeNifti(probPath, result.prob, {
    datatype: 'float32',
    displayRange: UNIT_RANGE,
    intent: { code: NIFTI_INTENT.ESTIMATE, name: 'lesion prob' },
  });
}
