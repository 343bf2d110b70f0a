import { SplitError } from '../errors';

/** One site's share of the cases: it trains on `train` and reports validation on `val`. */
export interface SiteSplit {
  name: string;
  train: string[];
  val: string[];
}

/**
 * Cases → sites, plus an independent test set that no site ever sees (the reference study's design: every site's
 * validation set is local, the test set is held out from all of them).
 */
export interface DatasetSplit {
  test: string[];
  sites: SiteSplit[];
}

/** The fractions shared by seeded and site-map splits. */
export interface SplitFractions {
  /** Share of all cases (seeded split) or of each site's cases (site-map split) held out as the test set. */
  testFraction: number;
  /** Share of each site's remaining cases kept for local validation. */
  valFraction: number;
  seed: number;
}

export function assertFractions({ testFraction, valFraction, seed }: SplitFractions): void {
  for (const [name, value] of [
    ['testFraction', testFraction],
    ['valFraction', valFraction],
  ] as const) {
    if (!Number.isFinite(value) || value < 0 || value >= 1)
      throw new SplitError(`${name} must be in [0, 1), got ${value}`);
  }
  if (!Number.isInteger(seed)) throw new SplitError(`seed must be an integer, got ${seed}`);
}

/** Rejects duplicated case ids, so a case can never land in two sets through a repeated entry. */
export function assertUniqueIds(caseIds: readonly string[]): void {
  const seen = new Set<string>();
  for (const id of caseIds) {
    if (seen.has(id)) throw new SplitError(`case id ${JSON.stringify(id)} is listed twice; case ids must be unique`);
    seen.add(id);
  }
}

/**
 * Divides one site's (already shuffled) cases into validation and training. At least one validation case whenever
 * valFraction > 0 and the site has two or more cases; at least one training case always.
 */
export function divideSite(name: string, shuffledIds: readonly string[], valFraction: number): SiteSplit {
  const count = shuffledIds.length;
  let valCount = Math.round(count * valFraction);
  if (valFraction > 0 && valCount === 0 && count >= 2) valCount = 1;
  if (count - valCount < 1)
    throw new SplitError(
      `site ${name} would get no training case (${count} case(s), valFraction ${valFraction}); ` +
        'use more cases, fewer sites or smaller fractions',
    );
  return {
    name,
    val: shuffledIds.slice(0, valCount).sort(),
    train: shuffledIds.slice(valCount).sort(),
  };
}

/** Throws when a case id appears in more than one list of the split (test, or any site's train/val). */
export function assertDisjoint(split: DatasetSplit, source = 'split'): void {
  const owner = new Map<string, string>();
  const claim = (ids: readonly string[], where: string) => {
    for (const id of ids) {
      const previous = owner.get(id);
      if (previous !== undefined)
        throw new SplitError(`${source}: case ${id} is in both ${previous} and ${where}; the sets must be disjoint`);
      owner.set(id, where);
    }
  };
  claim(split.test, 'test');
  for (const site of split.sites) {
    claim(site.train, `${site.name}.train`);
    claim(site.val, `${site.name}.val`);
  }
}
