import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { readSiteMap, readSplit, splitFromSiteMap, splitSites, type DatasetSplit } from '@fedstroke/isles';
import { TrainingDataError } from '../errors';

/** The study's split: three sites, a fifth of the cases held out as the independent test set, a fifth per site for validation. */
export const DEFAULT_SPLIT = { sites: 3, testFraction: 0.2, valFraction: 0.2, seed: 0 } as const;

export const SITE_MAP_FILE = 'site-map.json';

/**
 * The split a run uses: the given split file; else, when the dataset says which center each case came from
 * (site-map.json, as `fedstroke synth` writes it), one site per center with a stratified test set; else a seeded
 * split over DEFAULT_SPLIT.sites sites. The same inputs always give the same split, so central, local-only and
 * federated runs are compared on the same cases.
 */
export async function resolveSplit(
  dataDir: string,
  caseIds: readonly string[],
  splitFile?: string,
): Promise<DatasetSplit> {
  if (splitFile) return checkedAgainstDataset(await readSplit(splitFile), caseIds, splitFile, dataDir);
  const siteMapPath = join(dataDir, SITE_MAP_FILE);
  const fractions = {
    testFraction: DEFAULT_SPLIT.testFraction,
    valFraction: DEFAULT_SPLIT.valFraction,
    seed: DEFAULT_SPLIT.seed,
  };
  if (await exists(siteMapPath)) return splitFromSiteMap(caseIds, await readSiteMap(siteMapPath), fractions);
  return splitSites(caseIds, { ...fractions, sites: DEFAULT_SPLIT.sites });
}

/** A split file must name only cases the dataset has (a case that failed discovery, or a typo, is named). */
function checkedAgainstDataset(
  split: DatasetSplit,
  caseIds: readonly string[],
  file: string,
  dataDir: string,
): DatasetSplit {
  const known = new Set(caseIds);
  const named = [...split.test, ...split.sites.flatMap((site) => [...site.train, ...site.val])];
  const unknown = named.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new TrainingDataError(
      `${file} names ${unknown.length} case(s) that ${dataDir} does not have (or that were skipped as incomplete): ` +
        `${unknown.slice(0, 10).join(', ')}${unknown.length > 10 ? ', …' : ''}`,
    );
  }
  const empty = split.sites.find((site) => site.train.length === 0);
  if (empty) throw new TrainingDataError(`${file}: site ${empty.name} has no training case`);
  return split;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
