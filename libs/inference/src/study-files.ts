/**
 * The files of one study (DWI and ADC required, FLAIR optional) and how to find them in an ISLES'22 case folder
 * (`fedstroke segment --case DIR`): the files may sit flat in the folder or in dwi/ and anat/ below it, or below a
 * ses-* folder.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { modalityOf } from '@fedstroke/isles';
import { StudyInputError } from './errors';

export interface StudyFiles {
  dwi: string;
  adc: string;
  flair?: string;
}

export type StudyRole = 'DWI' | 'ADC' | 'FLAIR';

/** How deep below the case folder files are looked for: ses-0001 then dwi then the file is three levels. */
const CASE_DEPTH = 3;

async function collect(dir: string, depth: number, found: Map<string, string[]>): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new StudyInputError(
      'STUDY_CASE_LAYOUT',
      [dir],
      `${dir}: cannot list the case folder (${(error as Error).message})`,
      {
        cause: error,
      },
    );
  }
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = join(dir, entry.name);
    if (entry.isDirectory() && depth > 0) await collect(full, depth - 1, found);
    else if (entry.isFile()) {
      const modality = modalityOf(entry.name);
      if (modality && modality !== 'msk') found.set(modality, [...(found.get(modality) ?? []), full]);
    }
  }
}

/**
 * The study files of an ISLES'22 case folder (…_dwi.nii.gz, …_adc.nii.gz, optional …_FLAIR.nii.gz; masks are
 * ignored). Exactly one DWI and one ADC must be found, and at most one FLAIR; anything else is an error that lists
 * what was found.
 */
export async function findCaseFiles(dir: string): Promise<StudyFiles> {
  const found = new Map<string, string[]>();
  await collect(dir, CASE_DEPTH, found);
  const problems: string[] = [];
  for (const modality of ['dwi', 'adc'] as const) {
    const files = found.get(modality) ?? [];
    if (files.length === 0) problems.push(`no *_${modality}.nii[.gz]`);
    if (files.length > 1) problems.push(`several ${modality} files (${files.join(', ')})`);
  }
  const flairs = found.get('FLAIR') ?? [];
  if (flairs.length > 1) problems.push(`several FLAIR files (${flairs.join(', ')})`);
  if (problems.length > 0) {
    throw new StudyInputError(
      'STUDY_CASE_LAYOUT',
      [dir],
      `${dir}: not a single ISLES'22 case: ${problems.join('; ')} (expected one *_dwi, one *_adc and at most one *_FLAIR NIfTI)`,
    );
  }
  return { dwi: found.get('dwi')![0], adc: found.get('adc')![0], ...(flairs.length === 1 ? { flair: flairs[0] } : {}) };
}
