import * as path from 'node:path';

/** The ISLES'22 file kinds, named as their file-name suffixes are (FLAIR upper-case, as in the release). */
export type Modality = 'dwi' | 'adc' | 'FLAIR' | 'msk';

/** The files of one discovered case. DWI and ADC are always there; FLAIR and the mask when present. */
export interface CaseFiles {
  /** The subject folder name, e.g. `sub-strokecase0001` (with `_ses-…` appended when a subject has several sessions). */
  id: string;
  dwi: string;
  adc: string;
  flair?: string;
  mask?: string;
}

/** Recognizes `…_dwi.nii.gz`, `…_adc.nii`, `…_FLAIR.nii.gz`, `…_msk.nii.gz` (case-insensitive suffix). */
export function modalityOf(fileName: string): Modality | null {
  const match = /_(dwi|adc|flair|msk)\.nii(\.gz)?$/i.exec(fileName);
  if (!match) return null;
  const suffix = match[1].toLowerCase();
  return suffix === 'flair' ? 'FLAIR' : (suffix as Modality);
}

export interface IslesCasePaths {
  dwi: string;
  adc: string;
  flair: string;
  mask: string;
}

/**
 * Where the files of a case go in the ISLES'22 release layout (the `dwi/` + `anat/` variant):
 * rawdata/<subject>/<session>/dwi/<subject>_<session>_{dwi,adc}.nii.gz, …/anat/…_FLAIR.nii.gz and
 * derivatives/<subject>/<session>/<subject>_<session>_msk.nii.gz.
 */
export function islesCasePaths(root: string, subject: string, session = 'ses-0001'): IslesCasePaths {
  const raw = path.join(root, 'rawdata', subject, session);
  const stem = `${subject}_${session}`;
  return {
    dwi: path.join(raw, 'dwi', `${stem}_dwi.nii.gz`),
    adc: path.join(raw, 'dwi', `${stem}_adc.nii.gz`),
    flair: path.join(raw, 'anat', `${stem}_FLAIR.nii.gz`),
    mask: path.join(root, 'derivatives', subject, session, `${stem}_msk.nii.gz`),
  };
}
