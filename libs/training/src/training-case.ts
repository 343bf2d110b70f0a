import { TrainingDataError } from './errors';

/** Spatial tensor dims [D, H, W] = [nz, ny, nx] (W fastest), the order every training buffer uses. */
export type SpatialDims = [number, number, number];

/** What a case loader gives back (libs/isles' loadCase result satisfies it): channels on one grid, x fastest. */
export interface CaseVolumes {
  id: string;
  channels: Float32Array[];
  mask?: Uint8Array;
  /** [nx, ny, nz]. */
  shape: [number, number, number];
  /** Voxel size in mm along x, y, z; needed for volumes in mL (AVD). */
  spacing?: [number, number, number];
}

/** A case held in memory for training: its voxels plus the lesion voxel list that foreground sampling draws from. */
export interface TrainingCase {
  id: string;
  channels: Float32Array[];
  label?: Uint8Array;
  dims: SpatialDims;
  spacing: [number, number, number];
  /** Flat indices (z·H·W + y·W + x) of the lesion voxels, for foreground-centred patches. */
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
  if (loaded.mask && loaded.mask.length !== voxels)
    throw new TrainingDataError(`case ${loaded.id}: mask has ${loaded.mask.length} voxels, expected ${voxels}`);
  return {
    id: loaded.id,
    channels: loaded.channels,
    label: loaded.mask,
    dims: [nz, ny, nx],
    spacing: loaded.spacing ?? [1, 1, 1],
    foreground: loaded.mask ? foregroundIndices(loaded.mask) : new Int32Array(0),
  };
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
