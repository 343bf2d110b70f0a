/**
 * The in-memory image every lib passes around.
 *
 * Voxel order is NIfTI's: x fastest, index = i + nx * (j + ny * k). Read as a row-major tensor that is exactly
 * [D = nz, H = ny, W = nx] with W fastest, so a volume becomes one channel of the network's [N, C, D, H, W] input
 * without any transposition.
 */
export type Vec3 = [number, number, number];

/** 4×4 row-major voxel → world (mm, NIfTI RAS+) transform: world = A · [i, j, k, 1]ᵀ. */
export type Affine = Float64Array;

export type NiftiDatatype = 'uint8' | 'int16' | 'uint16' | 'int32' | 'float32' | 'float64';

export interface Volume {
  /** Voxel values with scl_slope/scl_inter applied, as float32. */
  data: Float32Array;
  /** [nx, ny, nz]. */
  shape: Vec3;
  /** Voxel size in mm along i, j, k (the columns of the affine's 3×3 part). */
  spacing: Vec3;
  affine: Affine;
  /** Datatype on disk (informational; the data above is always float32). */
  datatype?: NiftiDatatype;
  /** Where it came from, for error messages. */
  source?: string;
  /**
   * Number of 3-D frames held one after another in `data`; absent means 1. Only a 4-D file read with
   * `expect3d: false` has more than one.
   */
  frames?: number;
  /**
   * The header's qform_code and sform_code (what the coordinates mean: scanner, aligned, MNI, …) when read from a
   * file. A volume written on the same grid (a mask, a probability map) keeps them.
   */
  xform?: XformCodes;
}

/** NIfTI xform codes (nifti1.h NIFTI_XFORM_*): 0 unknown, 1 scanner anatomical, 2 aligned, 3 Talairach, 4 MNI. */
export interface XformCodes {
  qformCode: number;
  sformCode: number;
}
