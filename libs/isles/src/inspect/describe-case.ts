import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { isSameGrid, readNiftiHeader } from '@fedstroke/nifti';
import { DatasetLayoutError } from '../errors';
import { Modality } from '../layout/case-files';
import { scanModalities, subfolders } from '../layout/scan-folder';
import { describeMask, describeVolume, MaskDescription, VolumeDescription } from './describe-volume';

/** The files found for one case; any may be missing (inspect reports what is there). */
export interface FoundCaseFiles {
  id: string;
  folder: string;
  files: Partial<Record<Modality, string>>;
  /** Modalities with more than one candidate file: the first is described, all are listed. */
  duplicates: Partial<Record<Modality, string[]>>;
}

export interface CaseDescription {
  id: string;
  folder: string;
  dwi?: VolumeDescription;
  adc?: VolumeDescription;
  flair?: VolumeDescription;
  mask?: MaskDescription;
  missing: Modality[];
  duplicates: Partial<Record<Modality, string[]>>;
  /** Whether ADC, FLAIR and the mask share the DWI grid (FLAIR normally does not: it is resampled when loaded). */
  onDwiGrid: Partial<Record<'adc' | 'flair' | 'mask', boolean>>;
}

/**
 * The files of a case folder: a session folder, a subject folder (rawdata/sub-X) or any folder holding
 * `*_dwi.nii.gz`-style files. Inside an ISLES'22 tree the mask is looked up in the matching derivatives/ folder.
 */
export async function findCaseFiles(folder: string): Promise<FoundCaseFiles> {
  const resolved = path.resolve(folder);
  const found = await scanModalities(resolved, 2);
  const parts = resolved.split(path.sep);
  const rawIndex = parts.lastIndexOf('rawdata');
  if (!found.msk && rawIndex >= 0) {
    const derived = [...parts.slice(0, rawIndex), 'derivatives', ...parts.slice(rawIndex + 1)].join(path.sep);
    found.msk = (await scanModalities(derived, 2)).msk;
  }
  const id = parts.filter((part) => part.startsWith('sub-')).pop() ?? path.basename(resolved);
  const files: FoundCaseFiles['files'] = {};
  const duplicates: FoundCaseFiles['duplicates'] = {};
  for (const modality of Object.keys(found) as Modality[]) {
    const candidates = found[modality] ?? [];
    if (candidates.length > 0) files[modality] = candidates[0];
    if (candidates.length > 1) duplicates[modality] = candidates;
  }
  return { id, folder: resolved, files, duplicates };
}

/** The case `caseId` of the dataset at `root` (rawdata/<caseId>, mask from derivatives/<caseId>). */
export async function findCaseInDataset(root: string, caseId: string): Promise<FoundCaseFiles> {
  const folder = path.join(root, 'rawdata', caseId);
  const stat = await fs.stat(folder).catch(() => null);
  if (!stat?.isDirectory()) {
    const known = (await subfolders(path.join(root, 'rawdata'))).filter((name) => name.startsWith('sub-'));
    throw new DatasetLayoutError(
      `${root}: no case ${caseId} (looked for ${folder}); ` +
        (known.length > 0
          ? `cases include ${known.slice(0, 5).join(', ')}${known.length > 5 ? ', …' : ''}`
          : 'no rawdata/sub-* folders'),
    );
  }
  return findCaseFiles(folder);
}

export async function describeCase(found: FoundCaseFiles): Promise<CaseDescription> {
  const { files } = found;
  const describe = (file?: string) => (file ? describeVolume(file) : Promise.resolve(undefined));
  const description: CaseDescription = {
    id: found.id,
    folder: found.folder,
    dwi: await describe(files.dwi),
    adc: await describe(files.adc),
    flair: await describe(files.FLAIR),
    mask: files.msk ? await describeMask(files.msk) : undefined,
    missing: (['dwi', 'adc', 'FLAIR', 'msk'] as Modality[]).filter((modality) => !files[modality]),
    duplicates: found.duplicates,
    onDwiGrid: {},
  };
  if (files.dwi) {
    const dwi = await readNiftiHeader(files.dwi);
    for (const [key, file] of [
      ['adc', files.adc],
      ['flair', files.FLAIR],
      ['mask', files.msk],
    ] as const) {
      if (file) description.onDwiGrid[key] = isSameGrid(await readNiftiHeader(file), dwi);
    }
  }
  return description;
}
