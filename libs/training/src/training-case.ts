import { tensorDims, type CropBox, type SpatialDims } from '@fedstroke/isles';
import type { Vec3 } from '@fedstroke/nifti';
import { TrainingDataError } from './errors';

export type { SpatialDims } from '@fedstroke/isles';

/** What a case loader gives back (libs/isles' loadCase result satisfies it): channels on one grid, x fastest. */
export interface CaseVolumes {
  id: string;
  channels: Float32Array[];
  mask?: Uint8Array;
  /** [nx, ny, nz]. */
  shape: Vec3;
  /** Voxel size in mm along x, y, z; needed for volumes in mL (AVD). */
  spacing?: Vec3;
  /** Where a lesion may be reported (the brain); absent: everywhere. */
  brain?: Uint8Array;
  /** Where the case sits in the grid it was cropped from. */
  crop?: CropBox;
}

/**
 * A case held in memory for training and evaluation: its voxels (volume order, shape [nx, ny, nz] like every
 * volume; patch code asks tensorDims for [D, H, W]), plus the lesion voxel list that foreground sampling draws from.
 */
export interface TrainingCase {
  id: string;
  channels: Float32Array[];
  label?: Uint8Array;
  shape: Vec3;
  spacing: Vec3;
  brain?: Uint8Array;
  crop?: CropBox;
  /** Flat indices (z·ny·nx + y·nx + x) of the lesion voxels, for foreground-centred patches. */
  foreground: Int32Array;
}

export function toTrainingCase(loaded: CaseVolumes): TrainingCase {
  const [nx, ny, nz] = loaded.shape;
  const voxels = nx * ny * nz;
  if (loaded.channels.length === 0) throw new TrainingDataError(`case ${loaded.id}: no image channels`);
  loaded.channels.forEach((channel, c) => {
    if (channel.length !== voxels)
      throw new TrainingDataError(
        `case ${loaded.id}: channel ${c} has ${channel.length} voxels, expected ${voxels} for shape [${loaded.shape.join(', ')}]`,
      );
  });
  for (const [what, values] of [
    ['mask', loaded.mask],
    ['brain', loaded.brain],
  ] as const) {
    if (values && values.length !== voxels)
      throw new TrainingDataError(`case ${loaded.id}: ${what} has ${values.length} voxels, expected ${voxels}`);
  }
  return {
    id: loaded.id,
    channels: loaded.channels,
    label: loaded.mask,
    shape: [nx, ny, nz],
    spacing: loaded.spacing ?? [1, 1, 1],
    brain: loaded.brain,
    crop: loaded.crop,
    foreground: loaded.mask ? foregroundIndices(loaded.mask) : new Int32Array(0),
  };
}

/** The case's spatial tensor dims [D, H, W], for patch code. */
export function caseDims(c: Pick<TrainingCase, 'shape'>): SpatialDims {
  return tensorDims(c.shape);
}

function foregroundIndices(mask: Uint8Array): Int32Array {
  let count = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) count++;
  const indices = new Int32Array(count);
  for (let i = 0, k = 0; i < mask.length; i++) if (mask[i] !== 0) indices[k++] = i;
  return indices;
}

/** Checks that a set of cases can share one network: same channel count, and a label on each when required. */
export function assertConsistentCases(cases: TrainingCase[], what: string, requireLabels: boolean): number {
  if (cases.length === 0) throw new TrainingDataError(`${what}: no cases`);
  const channels = cases[0].channels.length;
  for (const c of cases) {
    if (c.channels.length !== channels)
      throw new TrainingDataError(
        `${what}: case ${c.id} has ${c.channels.length} channels, case ${cases[0].id} has ${channels}; all cases need the same`,
      );
    if (requireLabels && !c.label) throw new TrainingDataError(`${what}: case ${c.id} has no lesion mask`);
  }
  return channels;
}
