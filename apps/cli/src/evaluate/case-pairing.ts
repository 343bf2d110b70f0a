import { readdir } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { CasePairingError } from './evaluate.errors';

/**
 * How a prediction folder is matched to a ground-truth folder, case by case.
 *
 * Rule: every `.nii` / `.nii.gz` file under the folder (recursively, hidden entries skipped) gets a case id —
 * the BIDS subject prefix `sub-<label>` when the file name starts with one (so `sub-strokecase0001_pred.nii.gz`
 * pairs with `derivatives/sub-strokecase0001/ses-0001/sub-strokecase0001_ses-0001_msk.nii.gz`), otherwise the file
 * name without its extension (identical basenames pair). Two files with one id in the same folder are an error, never
 * a guess; a case present on one side only is reported by path.
 */
export interface CasePair {
  caseId: string;
  pred: string;
  gt: string;
}

export interface CasePairing {
  pairs: CasePair[];
  /** Predictions with no ground truth, by path. */
  predOnly: string[];
  /** Ground truths with no prediction, by path. */
  gtOnly: string[];
}

const NIFTI_EXTENSION = /\.nii(\.gz)?$/i;
const BIDS_SUBJECT = /^(sub-[A-Za-z0-9]+)/;

export function caseIdOf(filePath: string): string {
  const stem = basename(filePath).replace(NIFTI_EXTENSION, '');
  return BIDS_SUBJECT.exec(stem)?.[1] ?? stem;
}

/** Every NIfTI file below `dir`, sorted, so the order of cases is stable across file systems. */
export async function listNiftiFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (folder: string): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true });
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const full = join(folder, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile() && NIFTI_EXTENSION.test(entry.name)) found.push(full);
    }
  };
  try {
    await walk(dir);
  } catch (error) {
    throw new CasePairingError(`cannot list ${dir}: expected a readable folder (${(error as Error).message})`);
  }
  return found.sort();
}

function indexByCaseId(files: readonly string[], side: string, dir: string): Map<string, string> {
  const byId = new Map<string, string[]>();
  for (const file of files) byId.set(caseIdOf(file), [...(byId.get(caseIdOf(file)) ?? []), file]);
  const ambiguous = [...byId].filter(([, paths]) => paths.length > 1);
  if (ambiguous.length > 0) {
    const listing = ambiguous.map(([id, paths]) => `${id}: ${paths.map((p) => relative(dir, p)).join(', ')}`);
    throw new CasePairingError(
      `${side} folder ${dir} has several NIfTI files for one case id (${listing.join('; ')}); ` +
        'expected one file per case — point it at the masks only (e.g. ISLES derivatives/, not rawdata/)',
    );
  }
  return new Map([...byId].map(([id, [path]]) => [id, path]));
}

/** Pairs the files of the two folders by case id (see the rule above). */
export function pairByCaseId(
  predFiles: readonly string[],
  gtFiles: readonly string[],
  dirs: { predDir: string; gtDir: string },
): CasePairing {
  const preds = indexByCaseId(predFiles, 'prediction', dirs.predDir);
  const gts = indexByCaseId(gtFiles, 'ground-truth', dirs.gtDir);
  const pairs: CasePair[] = [];
  const predOnly: string[] = [];
  for (const [caseId, pred] of [...preds].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const gt = gts.get(caseId);
    if (gt === undefined) predOnly.push(pred);
    else pairs.push({ caseId, pred, gt });
  }
  const gtOnly = [...gts].filter(([caseId]) => !preds.has(caseId)).map(([, gt]) => gt);
  return { pairs, predOnly, gtOnly };
}
