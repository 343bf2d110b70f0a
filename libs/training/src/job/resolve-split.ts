import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseSiteMap, readSplit, splitFromSiteMap, splitSites, type DatasetSplit } from '@fedstroke/isles';
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
  if (splitFile) return readSplit(splitFile);
  const siteMapPath = join(dataDir, SITE_MAP_FILE);
  const fractions = {
    testFraction: DEFAULT_SPLIT.testFraction,
    valFraction: DEFAULT_SPLIT.valFraction,
    seed: DEFAULT_SPLIT.seed,
  };
  if (await exists(siteMapPath)) {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(siteMapPath, 'utf8'));
    } catch (error) {
      throw new TrainingDataError(`${siteMapPath}: not valid JSON (${(error as Error).message})`);
    }
    const siteMap = parseSiteMap(json, siteMapPath);
    return splitFromSiteMap(caseIds, siteMap, fractions);
  }
  return splitSites(caseIds, { ...fractions, sites: DEFAULT_SPLIT.sites });
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
