/**
 * @fedstroke/nifti — NIfTI-1/2 reading and writing, affines, orientation and resampling for the `Volume` type
 * every lib passes around. Errors are `NiftiError`s that name the file, the constraint and what was found.
 */
export * from './volume';
export { NiftiError, type NiftiErrorCode } from './errors';
export { DATATYPE_CODES, SUPPORTED_DATATYPES, describeDatatypeCode } from './datatypes';
export {
  affineColumnNorms,
  affineDeterminant3,
  affineInverse,
  affineToRows,
  applyAffine,
  identityAffine,
  maxAffineDifference,
  multiplyAffines,
} from './affine';
export { affineToQform, qformToAffine, type Qform } from './quaternion';
export { type NiftiHeader } from './header';
export { DEFAULT_MAX_DECOMPRESSED_BYTES } from './gzip';
export { readNifti, readNiftiHeader, type ReadNiftiOptions } from './read';
export { NIFTI_INTENT, writeNifti, type WritableDatatype, type WritableVolume, type WriteNiftiOptions } from './write';
export {
  axisOrientation,
  fromCanonicalRAS,
  orientationCode,
  reorientToRAS,
  type AxisOrientation,
  type CanonicalResult,
} from './orientation';
export {
  fieldOfViewOverlap,
  gridForSpacing,
  resampleToGrid,
  resampleToSpacing,
  type InterpolationMode,
  type ResampledVolume,
  type ResampleOptions,
  type TargetGrid,
} from './resample';
export {
  assertMask,
  checkSameGrid,
  describeGrid,
  formatShape,
  formatSpacing,
  GridMismatchError,
  isSameGrid,
  SAME_GRID_MM,
  voxelVolumeMl,
  type GridAgreement,
  type NamedGrid,
} from './grid';
