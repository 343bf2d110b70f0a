import { FedstrokeError } from '@fedstroke/common';

/** Stable reasons a study is refused before any compute. NIfTI codes (NIFTI_TRUNCATED, …) pass through unchanged. */
export type StudyErrorCode =
  | 'STUDY_GRID_MISMATCH'
  | 'STUDY_TOO_LARGE'
  | 'STUDY_SPACING_OUT_OF_RANGE'
  | 'STUDY_CASE_LAYOUT'
  | 'STUDY_LIMITS_INVALID'
  | string;

/**
 * A study that cannot be segmented: a file that does not read, a 4-D file, DWI and ADC on different grids, an absurd
 * size. The message names every file involved (with its role: DWI, ADC, FLAIR), the constraint and what was found.
 */
export class StudyInputError extends FedstrokeError {
  constructor(
    code: StudyErrorCode,
    readonly files: string[],
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** A model that cannot be used for segmentation (unknown version, weights of the wrong layout, …). */
export class SegmentationModelError extends FedstrokeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SEGMENTATION_MODEL', message, options);
  }
}

/** The caller's AbortSignal fired (a job timeout or a cancellation) between two steps of a segmentation. */
export class SegmentationAbortedError extends FedstrokeError {
  constructor(reason: string) {
    super('SEGMENTATION_ABORTED', reason);
  }
}
