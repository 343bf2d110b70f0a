import { FedstrokeError } from '@fedstroke/common';

/** Stable, machine-readable reasons a NIfTI file or volume is rejected. */
export type NiftiErrorCode =
  | 'NIFTI_NOT_FOUND'
  | 'NIFTI_NOT_A_FILE'
  | 'NIFTI_UNREADABLE'
  | 'NIFTI_IO_TIMEOUT'
  | 'NIFTI_BAD_AFFINE'
  | 'NIFTI_BAD_PATH'
  | 'NIFTI_TRUNCATED'
  | 'NIFTI_BAD_MAGIC'
  | 'NIFTI_BAD_HEADER'
  | 'NIFTI_GZIP_CORRUPT'
  | 'NIFTI_SIZE_MISMATCH'
  | 'NIFTI_UNSUPPORTED_DATATYPE'
  | 'NIFTI_NOT_3D'
  | 'NIFTI_TOO_LARGE'
  | 'NIFTI_NOT_BINARY'
  | 'NIFTI_VALUE_NOT_REPRESENTABLE'
  | 'NIFTI_GRID_MISMATCH'
  | 'NIFTI_WRITE_FAILED';

/**
 * Every problem with a NIfTI file or an in-memory volume. The message always names the file (or the volume's
 * source), the constraint that failed, what was expected and what was found.
 */
export class NiftiError extends FedstrokeError {
  constructor(
    override readonly code: NiftiErrorCode,
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, `${file}: ${message}`, options);
  }
}
