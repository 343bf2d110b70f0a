/** Writes a segmentation's mask (uint8) and, when present, its probability map (float32) as NIfTI on the DWI grid. */
import { writeNifti } from '@fedstroke/nifti';
import { InvalidArgumentError } from '@fedstroke/common';
import type { SegmentationResult } from './segment-study';

export async function writeSegmentation(
  result: Pick<SegmentationResult, 'mask' | 'prob'>,
  maskPath: string,
  probPath?: string,
): Promise<void> {
  await writeNifti(maskPath, result.mask, { datatype: 'uint8' });
  if (probPath === undefined) return;
  if (!result.prob) {
    throw new InvalidArgumentError(
      `a probability map was asked for (${probPath}) but segmentStudy ran without returnProbability`,
    );
  }
  await writeNifti(probPath, result.prob, { datatype: 'float32' });
}
