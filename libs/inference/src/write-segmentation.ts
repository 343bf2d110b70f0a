/**
 * Writes a segmentation's mask (uint8, intent LABEL "lesion mask") and, when present, its probability map (float32),
 * as NIfTI on the DWI grid with the DWI's xform codes. Both carry the display range [0, 1] (cal_min, cal_max), so a
 * viewer draws probabilities on a fixed scale instead of stretching the faint values around the brain.
 */
import { InvalidArgumentError } from '@fedstroke/common';
import { NIFTI_INTENT, writeNifti } from '@fedstroke/nifti';
import { describeProvenance } from '@fedstroke/runtime';
import type { SegmentationResult } from './segment-study';

const UNIT_RANGE = [0, 1] as const;

/** Both files' description field names the model: config, sha256, federation, round, data (describeProvenance). */
export async function writeSegmentation(
  result: Pick<SegmentationResult, 'mask' | 'prob' | 'model'>,
  maskPath: string,
  probPath?: string,
): Promise<void> {
  const description = describeProvenance(result.model.config, result.model.sha256, result.model.training);
  await writeNifti(maskPath, result.mask, {
    datatype: 'uint8',
    displayRange: UNIT_RANGE,
    intent: { code: NIFTI_INTENT.LABEL, name: 'lesion mask' },
    description,
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
    description,
  });
}
