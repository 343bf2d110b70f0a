/**
 * The network input of a study, prepared exactly as libs/training prepares its cases (CropToBrain(2), then
 * ZScoreWithinBrain): crop every channel to the bounding box of the non-zero DWI plus 2 voxels, z-score each channel
 * within the brain (background stays 0), stack as [1, C, D, H, W]. The crop box is kept so the prediction can be
 * pasted back into the DWI grid.
 */
import { cropVolume, type CropBox, nonzeroBoundingBox, nonzeroMask, zscoreWithin } from '@fedstroke/isles';
import type { Tensor5D } from '@fedstroke/runtime';
import type { QcWarning } from './qc-warnings';
import type { Study } from './load-study';

/** The margin CropToBrain uses in training (libs/training defaultPreprocessing). */
export const BRAIN_MARGIN_VOXELS = 2;

export interface PreparedInput {
  image: Tensor5D;
  crop: CropBox;
  qcWarnings: QcWarning[];
}

/** The channels the model takes, in training order; a missing FLAIR for a 3-channel model becomes zeros. */
function modelChannels(study: Study, inChannels: number): { channels: Float32Array[]; qcWarnings: QcWarning[] } {
  const channels = [study.dwi.data, study.adc];
  const qcWarnings: QcWarning[] = [];
  if (inChannels === 3) {
    if (study.flair) channels.push(study.flair);
    else {
      channels.push(new Float32Array(study.dwi.data.length));
      qcWarnings.push({
        code: 'FLAIR_ZERO_FILLED',
        message:
          'the model takes DWI, ADC and FLAIR; without FLAIR its third channel is all zeros (as outside the brain), so ' +
          'it segments from DWI and ADC alone and may be less accurate than with FLAIR',
      });
    }
  } else if (study.flair) {
    qcWarnings.push({
      code: 'FLAIR_UNUSED',
      message: 'the model takes DWI and ADC only; the FLAIR given was not used',
    });
  }
  return { channels, qcWarnings };
}

/** Null when the DWI is zero everywhere (nothing to segment). */
export function prepareInput(study: Study, inChannels: number): PreparedInput | null {
  const { shape } = study.dwi;
  const crop = nonzeroBoundingBox(study.dwi.data, shape, BRAIN_MARGIN_VOXELS);
  if (crop === null) return null;
  const { channels, qcWarnings } = modelChannels(study, inChannels);
  const cropped = channels.map((channel) => cropVolume(channel, crop));
  const brain = nonzeroMask(cropped[0]);
  const voxels = crop.size[0] * crop.size[1] * crop.size[2];
  const data = new Float32Array(channels.length * voxels);
  cropped.forEach((channel, c) => data.set(zscoreWithin(channel, brain), c * voxels));
  return { image: { data, shape: [1, channels.length, crop.size[2], crop.size[1], crop.size[0]] }, crop, qcWarnings };
}
