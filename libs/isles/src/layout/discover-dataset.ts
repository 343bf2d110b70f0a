import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { DatasetLayoutError } from '../errors';
import { CaseFiles, Modality } from './case-files';
import { ModalityFiles, scanModalities, subfolders } from './scan-folder';

/** What to do with a case that lacks a required modality: leave it out and report it, or fail the whole discovery. */
export type MissingPolicy = 'skip' | 'fail';

export interface DiscoverOptions {
  policy: MissingPolicy;
  /** FLAIR is optional in ISLES'22 models; require it when the model uses it. */
  requireFlair?: boolean;
  /** Masks are needed for training and evaluation, not for inference. */
  requireMask?: boolean;
}

/** A case that was left out, and why. */
export interface CaseProblem {
  caseId: string;
  /** Required modalities with no file. */
  missing: Modality[];
  message: string;
}

export interface DiscoveredDataset {
  root: string;
  cases: CaseFiles[];
  problems: CaseProblem[];
}

/**
 * Finds the cases of an ISLES'22 tree: rawdata/sub-* /ses-* /{dwi,anat}/…_{dwi,adc,FLAIR}.nii.gz (or flat in the
 * session folder) and derivatives/sub-* /ses-* /[dwi/|anat/]…_msk.nii.gz. Every case that cannot be used is named
 * in `problems` (policy 'skip') or in the thrown error (policy 'fail'); none is dropped silently.
 */
export async function discoverDataset(root: string, options: DiscoverOptions): Promise<DiscoveredDataset> {
  const rawdata = path.join(root, 'rawdata');
  const stat = await fs.stat(rawdata).catch(() => null);
  if (!stat?.isDirectory())
    throw new DatasetLayoutError(`${root}: no rawdata/ folder; expected the ISLES'22 layout rawdata/sub-*/ses-*/…`);
  const subjects = (await subfolders(rawdata)).filter((name) => name.startsWith('sub-'));
  if (subjects.length === 0) throw new DatasetLayoutError(`${rawdata}: no sub-* case folders`);

  const cases: CaseFiles[] = [];
  const problems: CaseProblem[] = [];
  for (const subject of subjects) {
    const sessions = (await subfolders(path.join(rawdata, subject))).filter((name) => name.startsWith('ses-'));
    // A subject folder without ses-* holds its files directly (or in dwi/, anat/).
    for (const session of sessions.length > 0 ? sessions : ['']) {
      const caseId = sessions.length > 1 ? `${subject}_${session}` : subject;
      const rawFolder = path.join(rawdata, subject, session);
      const raw = await scanModalities(rawFolder);
      const derived = await scanModalities(path.join(root, 'derivatives', subject, session));
      const outcome = assembleCase(caseId, rawFolder, { ...raw, msk: derived.msk }, options);
      if ('problem' in outcome) problems.push(outcome.problem);
      else cases.push(outcome.files);
    }
  }
  if (options.policy === 'fail' && problems.length > 0)
    throw new DatasetLayoutError(
      `${root}: ${problems.length} case(s) cannot be used:\n` + problems.map((p) => `  ${p.message}`).join('\n'),
    );
  if (cases.length === 0)
    throw new DatasetLayoutError(
      `${root}: no usable case among ${problems.length}; first problem: ${problems[0]?.message ?? 'none'}`,
    );
  return { root, cases, problems };
}

function assembleCase(
  caseId: string,
  folder: string,
  found: ModalityFiles,
  options: DiscoverOptions,
): { files: CaseFiles } | { problem: CaseProblem } {
  const required: Modality[] = ['dwi', 'adc'];
  if (options.requireFlair) required.push('FLAIR');
  if (options.requireMask) required.push('msk');
  const missing = required.filter((modality) => !found[modality]?.length);
  const ambiguous = (Object.keys(found) as Modality[]).filter((modality) => (found[modality]?.length ?? 0) > 1);
  if (missing.length > 0 || ambiguous.length > 0) {
    const parts = [
      ...(missing.length > 0 ? [`no ${missing.map((m) => `*_${m}.nii[.gz]`).join(', ')}`] : []),
      ...ambiguous.map((m) => `several ${m} files (${found[m]!.map((f) => path.basename(f)).join(', ')})`),
    ];
    const where = missing.includes('msk') ? `${folder} (mask looked for under derivatives/)` : folder;
    return { problem: { caseId, missing, message: `${caseId}: ${parts.join('; ')} in ${where}` } };
  }
  return {
    files: {
      id: caseId,
      dwi: found.dwi![0],
      adc: found.adc![0],
      ...(found.FLAIR ? { flair: found.FLAIR[0] } : {}),
      ...(found.msk ? { mask: found.msk[0] } : {}),
    },
  };
}
