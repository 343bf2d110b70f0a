/**
 * Case id → center for every case the run evaluates: a validation case belongs to its site; a test case to the
 * center the data's site map names (the synthetic set has one; a real tree without one leaves test cases out).
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { readSiteMap, type DatasetSplit } from '@fedstroke/isles';
import { SITE_MAP_FILE } from '@fedstroke/training';

export async function evaluatedCaseCenters(dataDir: string, split: DatasetSplit): Promise<Record<string, string>> {
  const centers: Record<string, string> = {};
  for (const site of split.sites) for (const id of site.val) centers[id] = site.name;
  const file = join(dataDir, SITE_MAP_FILE);
  const present = await access(file).then(
    () => true,
    () => false,
  );
  if (present) {
    const siteMap = await readSiteMap(file);
    for (const id of split.test) if (siteMap[id] !== undefined) centers[id] = siteMap[id];
  }
  return Object.fromEntries(Object.entries(centers).sort(([a], [b]) => a.localeCompare(b)));
}
