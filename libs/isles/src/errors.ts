import { FedstrokeError } from '@fedstroke/common';

/** A dataset tree that does not follow the ISLES'22 layout, or cases in it that lack a required modality. */
export class DatasetLayoutError extends FedstrokeError {
  constructor(message: string) {
    super('ISLES_DATASET_LAYOUT', message);
  }
}

/** The files of one case do not fit together (shapes that differ, a mask on another grid, a missing channel). */
export class CaseLoadError extends FedstrokeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ISLES_CASE_LOAD', message, options);
  }
}

/** A split request or split file that cannot be honoured (too few cases, overlapping sets, unknown case ids). */
export class SplitError extends FedstrokeError {
  constructor(message: string) {
    super('ISLES_SPLIT', message);
  }
}
