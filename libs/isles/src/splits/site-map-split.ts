import { mixSeed, Random } from '@fedstroke/common';
import { SplitError } from '../errors';
import {
  assertDisjoint,
  assertFractions,
  assertUniqueIds,
  DatasetSplit,
  divideSite,
  SplitFractions,
} from './dataset-split';

/** case id → site name, as `fedstroke synth` writes it to site-map.json. */
export type SiteMap = Record<string, string>;

/** Validates parsed JSON as a site map; `source` names the file in errors. */
export function parseSiteMap(json: unknown, source: string): SiteMap {
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw new SplitError(`${source}: a site map must be a JSON object of "caseId": "siteName" entries`);
  const map: SiteMap = {};
  for (const [caseId, site] of Object.entries(json)) {
    if (typeof site !== 'string' || site.length === 0)
      throw new SplitError(`${source}: case ${caseId} maps to ${JSON.stringify(site)}; expected a site name string`);
    map[caseId] = site;
  }
  return map;
}

/**
 * Split for data whose center is known: each case stays with its own site, and the test set is drawn from every
 * site in proportion (stratified), so the independent test set covers all centers' scanner characters.
 * Site-map entries for cases not in `caseIds` (e.g. skipped by discovery) are ignored; cases absent from the map
 * are an error.
 */
export function splitFromSiteMap(
  caseIds: readonly string[],
  siteMap: SiteMap,
  fractions: SplitFractions,
): DatasetSplit {
  assertFractions(fractions);
  assertUniqueIds(caseIds);
  const unmapped = caseIds.filter((id) => !(id in siteMap));
  if (unmapped.length > 0)
    throw new SplitError(
      `site map has no site for ${unmapped.length} case(s): ${unmapped.slice(0, 10).join(', ')}` +
        (unmapped.length > 10 ? ', …' : ''),
    );
  const bySite = new Map<string, string[]>();
  for (const id of [...caseIds].sort()) {
    const site = siteMap[id];
    bySite.set(site, [...(bySite.get(site) ?? []), id]);
  }
  const test: string[] = [];
  const sites = [...bySite.keys()].sort().map((name, siteIndex) => {
    const order = new Random(mixSeed(fractions.seed, siteIndex)).shuffle([...(bySite.get(name) ?? [])]);
    const testCount = Math.round(order.length * fractions.testFraction);
    test.push(...order.slice(0, testCount));
    return divideSite(name, order.slice(testCount), fractions.valFraction);
  });
  const split: DatasetSplit = { test: test.sort(), sites };
  assertDisjoint(split);
  return split;
}
