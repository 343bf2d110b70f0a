/**
 * The site's own cases, loaded once and kept in memory across rounds (a hospital holds tens of cases). The folder
 * says which cases validate through `site-split.json` (`fedstroke simulate` writes it); without one, a seeded fifth
 * of the cases is held out for local validation. Voxels stay in this process: only weights and numbers leave it.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { discoverDataset, type PreprocessingSpec, readSplit, splitSites, type SiteSplit } from '@fedstroke/isles';
import { loadTrainingCases, type TrainingCase } from '@fedstroke/training';
import { FedstrokeError } from '@fedstroke/common';

export const SITE_SPLIT_FILE = 'site-split.json';
const DEFAULT_VAL_FRACTION = 0.2;

export class SiteDataError extends FedstrokeError {
  constructor(message: string) {
    super('SITE_DATA', message);
  }
}

export interface SiteDataset {
  train: TrainingCase[];
  val: TrainingCase[];
  /** Where the train/val division came from (a file path, or "seeded"). */
  splitSource: string;
}

/** Which of the folder's cases train and which validate. */
export async function resolveSiteSplit(dataDir: string, caseIds: readonly string[], seed: number): Promise<SiteSplit & { source: string }> {
  const file = join(dataDir, SITE_SPLIT_FILE);
  const present = await access(file).then(
    () => true,
    () => false,
  );
  if (present) {
    const split = await readSplit(file);
    if (split.sites.length !== 1)
      throw new SiteDataError(`${file}: a site split names exactly one site (found ${split.sites.length})`);
    const known = new Set(caseIds);
    const missing = [...split.sites[0].train, ...split.sites[0].val].filter((id) => !known.has(id));
    if (missing.length > 0)
      throw new SiteDataError(`${file} names case(s) the folder does not have: ${missing.slice(0, 5).join(', ')}`);
    return { ...split.sites[0], source: file };
  }
  const seeded = splitSites(caseIds, { sites: 1, testFraction: 0, valFraction: DEFAULT_VAL_FRACTION, seed });
  return { ...seeded.sites[0], source: 'seeded' };
}

/** Discovers and loads the folder's labelled cases, prepared as the model's manifest records (its channels, its steps). */
export async function loadSiteDataset(
  dataDir: string,
  options: { preprocessing: PreprocessingSpec; seed: number },
): Promise<SiteDataset> {
  const requireFlair = options.preprocessing.channels.includes('flair');
  const discovered = await discoverDataset(dataDir, { policy: 'skip', requireMask: true, requireFlair });
  if (discovered.cases.length === 0)
    throw new SiteDataError(`${dataDir}: no usable labelled case (${discovered.problems.length} skipped)`);
  const split = await resolveSiteSplit(
    dataDir,
    discovered.cases.map((c) => c.id),
    options.seed,
  );
  const load = (ids: string[]) =>
    loadTrainingCases(discovered.cases, ids, { preprocessing: options.preprocessing, progress: { silent: true } });
  return { train: await load(split.train), val: split.val.length > 0 ? await load(split.val) : [], splitSource: split.source };
}
