import { FedstrokeError } from '@fedstroke/common';

/** A dataset tree that does not follow the ISLES'22 layout, or cases in it that lack a required modality. */
export class DatasetLayoutError extends FedstrokeError {
  constructor(message: string) {
    super('ISLES_DATASET_LAYOUT', message);
  }
}

/** The files of one case do not fit together (a missing channel, channels read for another preprocessing). */
export class CaseLoadError extends FedstrokeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ISLES_CASE_LOAD', message, options);
  }
}

/** The role a file plays in a case, as messages name it. */
export type CaseRole = 'DWI' | 'ADC' | 'FLAIR' | 'mask';

/**
 * One file of a case that cannot be used: unreadable, truncated, 4-D, non-finite voxels, a mask that is not binary.
 * Keeps the NIfTI code (NIFTI_TRUNCATED, NIFTI_NOT_3D, …; CASE_NON_FINITE for NaN or infinite voxels) and names
 * the file by its role and by the name the caller gave it.
 */
export class CaseFileError extends FedstrokeError {
  constructor(
    code: string,
    /** A CaseRole, or a word for a file whose role is not known yet (an upload). */
    readonly role: CaseRole | string,
    readonly file: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(code, `${role} ${file}: ${detail}`, options);
  }
}

/** A split request or split file that cannot be honoured (too few cases, overlapping sets, unknown case ids). */
export class SplitError extends FedstrokeError {
  constructor(message: string) {
    super('ISLES_SPLIT', message);
  }
}
