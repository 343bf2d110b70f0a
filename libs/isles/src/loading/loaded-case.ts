import type { Affine, Vec3, XformCodes } from '@fedstroke/nifti';
import type { PreprocessingSpec } from '../preprocessing/preprocessing-spec';
import type { QcWarning } from './qc-warnings';

export type ChannelName = 'dwi' | 'adc' | 'flair';

/** A voxel grid: shape [nx, ny, nz], spacing in mm and the voxel → world affine. */
export interface CaseGrid {
  shape: Vec3;
  spacing: Vec3;
  affine: Affine;
}

/** Where a cropped grid sits inside the grid it was cut from (voxel indices), so predictions can be put back. */
export interface CropBox {
  start: Vec3;
  size: Vec3;
  sourceShape: Vec3;
}

/**
 * One case ready for a network: every channel on the same grid (the DWI grid, unless a preprocessing step changed
 * it), x-fastest like Volume.data, so channels stack into an [N, C, D, H, W] tensor without transposition
 * (tensor-layout.ts). After ZScoreWithinBrain the channels are consecutive views of one buffer: that buffer is the
 * network input as it stands.
 */
export interface LoadedCase extends CaseGrid {
  id: string;
  /** Names of `channels`, in order: always dwi, adc, then flair when it was asked for. */
  channelNames: ChannelName[];
  channels: Float32Array[];
  /** Binary lesion mask (0/1) on the same grid, when the case has one. */
  mask?: Uint8Array;
  /** The brain of a skull-stripped case (the non-zero DWI) on the same grid: the only place a lesion is reported. */
  brain: Uint8Array;
  /** Quality-control warnings: every fix-up a reader must know of (adopted affine, zero-filled FLAIR, …). */
  qc: QcWarning[];
  /** The DWI grid as read from disk (and its xform codes): a prediction is returned to it. */
  nativeGrid: CaseGrid & { xform?: XformCodes };
  /** Set by CropToBrain; cleared by a later step that changes the grid in another way (resampling). */
  crop?: CropBox;
  /** The preprocessing the case went through, when it was loaded with one (a model's recorded spec). */
  preprocessing?: PreprocessingSpec;
}

export function voxelCount(shape: Vec3): number {
  return shape[0] * shape[1] * shape[2];
}
