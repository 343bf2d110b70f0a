import { Random } from '@fedstroke/common';
import { SplitError } from '../errors';
import {
  assertDisjoint,
  assertFractions,
  assertUniqueIds,
  DatasetSplit,
  divideSite,
  SplitFractions,
} from './dataset-split';

export interface SeededSplitOptions extends SplitFractions {
  /** Number of sites (hospitals) to deal the non-test cases to. */
  sites: number;
}

/**
 * Seeded split for data whose center is unknown (the public ISLES'22 release): ids are sorted first so that
 * file-system order never matters, shuffled with the seed, the test set is taken off the top, and the rest is dealt
 * to the sites in turn so site sizes differ by at most one.
 */
export function splitSites(caseIds: readonly string[], options: SeededSplitOptions): DatasetSplit {
  assertFractions(options);
  assertUniqueIds(caseIds);
  if (!Number.isInteger(options.sites) || options.sites < 1)
    throw new SplitError(`sites must be a positive integer, got ${options.sites}`);
  const order = new Random(options.seed).shuffle([...caseIds].sort());
  let testCount = Math.round(order.length * options.testFraction);
  if (options.testFraction > 0 && testCount === 0 && order.length > options.sites) testCount = 1;
  const remaining = order.slice(testCount);
  if (remaining.length < options.sites)
    throw new SplitError(
      `${caseIds.length} case(s) cannot give ${options.sites} site(s) a training case each after holding out ` +
        `${testCount} test case(s)`,
    );
  const perSite: string[][] = Array.from({ length: options.sites }, () => []);
  remaining.forEach((id, index) => perSite[index % options.sites].push(id));
  const split: DatasetSplit = {
    test: order.slice(0, testCount).sort(),
    sites: perSite.map((ids, index) => divideSite(`site-${index + 1}`, ids, options.valFraction)),
  };
  assertDisjoint(split);
  return split;
}
