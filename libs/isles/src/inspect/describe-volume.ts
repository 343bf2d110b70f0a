import { labelComponents } from '@fedstroke/metrics';
import { affineToRows, readNifti, readNiftiHeader, voxelVolumeMl } from '@fedstroke/nifti';
import type { NiftiHeader, Vec3, Volume } from '@fedstroke/nifti';

/** What `fedstroke inspect` reports for one NIfTI file. */
export interface VolumeDescription {
  path: string;
  niftiVersion: 1 | 2;
  shape: Vec3;
  frames: number;
  spacing: Vec3;
  /** On-disk datatype, e.g. "float64 (code 64)". */
  datatype: string;
  /** Voxel → world (mm, RAS+) as four rows. */
  affine: number[][];
  affineSource: 'sform' | 'qform' | 'pixdim';
  sformCode: number;
  qformCode: number;
  voxelVolumeMl: number;
  range: { min: number; max: number };
  nonzeroVoxels: number;
  /** NaN voxels are counted, not hidden in the range. */
  nanVoxels: number;
}

/** Lesion figures of a mask file (26-connected components, the ISLES'22 lesion count). */
export interface MaskDescription extends VolumeDescription {
  binary: boolean;
  lesionVoxels: number;
  lesionVolumeMl: number;
  lesionCount: number;
}

export async function describeVolume(path: string): Promise<VolumeDescription> {
  return describeRead(path, await readNiftiHeader(path), await readNifti(path, { expect3d: false }));
}

function describeRead(path: string, header: NiftiHeader, volume: Volume): VolumeDescription {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let nonzero = 0;
  let nan = 0;
  for (const value of volume.data) {
    if (value !== value) {
      // NaN (the only value unequal to itself; no global lookup in this hot loop)
      nan++;
      continue;
    }
    if (value < min) min = value;
    if (value > max) max = value;
    if (value !== 0) nonzero++;
  }
  return {
    path,
    niftiVersion: header.version,
    shape: header.shape,
    frames: header.frames,
    spacing: header.spacing,
    datatype: header.datatypeDescription,
    affine: affineToRows(header.affine),
    affineSource: header.affineSource,
    sformCode: header.sformCode,
    qformCode: header.qformCode,
    voxelVolumeMl: voxelVolumeMl(header),
    range: nan === volume.data.length ? { min: Number.NaN, max: Number.NaN } : { min, max },
    nonzeroVoxels: nonzero,
    nanVoxels: nan,
  };
}

export async function describeMask(path: string): Promise<MaskDescription> {
  const volume = await readNifti(path);
  const description = describeRead(path, await readNiftiHeader(path), volume);
  const binary = volume.data.every((value) => value === 0 || value === 1);
  const foreground = binary ? volume.data : volume.data.map((value) => (value > 0 ? 1 : 0));
  const components = labelComponents(foreground, volume.shape);
  const lesionVoxels = components.sizes.reduce((sum, size) => sum + size, 0);
  return {
    ...description,
    binary,
    lesionVoxels,
    lesionVolumeMl: lesionVoxels * description.voxelVolumeMl,
    lesionCount: components.count,
  };
}
