import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { SplitError } from '../errors';
import { DatasetSplit } from './dataset-split';
import { splitFromSiteMap } from './site-map-split';
import { readSplit, writeSplit } from './split-file';
import { splitSites } from './split-sites';

const ids = Array.from({ length: 60 }, (_, i) => `sub-strokecase${String(i + 1).padStart(4, '0')}`);
const options = { sites: 3, testFraction: 0.2, valFraction: 0.2, seed: 42 };

function allIds(split: DatasetSplit): string[] {
  return [...split.test, ...split.sites.flatMap((site) => [...site.train, ...site.val])];
}

describe('splitSites', () => {
  it('is deterministic for a seed and ignores the input order', () => {
    const reversed = [...ids].reverse();
    expect(splitSites(reversed, options)).toEqual(splitSites(ids, options));
    expect(splitSites(ids, { ...options, seed: 43 })).not.toEqual(splitSites(ids, options));
  });

  it('holds out a test set and deals every other case to exactly one site', () => {
    const split = splitSites(ids, options);
    const all = allIds(split);
    expect(new Set(all).size).toBe(all.length); // disjoint
    expect([...all].sort()).toEqual(ids); // nothing lost
    expect(split.test).toHaveLength(12);
    expect(split.sites.map((site) => site.name)).toEqual(['site-1', 'site-2', 'site-3']);
    for (const site of split.sites) {
      expect(site.train.length + site.val.length).toBe(16);
      expect(site.val).toHaveLength(3); // round(16 * 0.2)
    }
  });

  it('gives sizes that differ by at most one when cases do not divide evenly', () => {
    const split = splitSites(ids.slice(0, 23), { ...options, testFraction: 0.1 });
    const sizes = split.sites.map((site) => site.train.length + site.val.length);
    expect(split.test).toHaveLength(2);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });

  it('rejects requests it cannot honour, naming the constraint', () => {
    expect(() => splitSites(ids.slice(0, 3), { ...options, sites: 4 })).toThrow(SplitError);
    expect(() => splitSites(ids, { ...options, testFraction: 1 })).toThrow(/testFraction must be in \[0, 1\)/);
    expect(() => splitSites([...ids, ids[0]], options)).toThrow(/listed twice/);
    expect(() => splitSites(ids, { ...options, sites: 0 })).toThrow(/sites must be a positive integer/);
  });
});

describe('splitFromSiteMap', () => {
  const siteMap = Object.fromEntries(ids.map((id, i) => [id, `center-${(i % 3) + 1}`]));

  it('keeps every case at its own site and stratifies the test set over sites', () => {
    const split = splitFromSiteMap(ids, siteMap, { testFraction: 0.2, valFraction: 0.25, seed: 1 });
    expect(split.sites.map((site) => site.name)).toEqual(['center-1', 'center-2', 'center-3']);
    for (const site of split.sites) {
      for (const id of [...site.train, ...site.val]) expect(siteMap[id]).toBe(site.name);
      expect(site.train.length + site.val.length).toBe(16);
    }
    expect(split.test).toHaveLength(12);
    for (const center of ['center-1', 'center-2', 'center-3'])
      expect(split.test.filter((id) => siteMap[id] === center)).toHaveLength(4);
    expect(splitFromSiteMap([...ids].reverse(), siteMap, { testFraction: 0.2, valFraction: 0.25, seed: 1 })).toEqual(
      split,
    );
  });

  it('names cases the site map does not cover', () => {
    expect(() =>
      splitFromSiteMap([...ids, 'sub-extra'], siteMap, { testFraction: 0.2, valFraction: 0.2, seed: 1 }),
    ).toThrow(/no site for 1 case\(s\): sub-extra/);
  });
});

describe('writeSplit / readSplit', () => {
  it('round-trips a split and rejects a file whose sets overlap', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'split-'));
    const file = path.join(dir, 'split.json');
    const split = splitSites(ids, options);
    await writeSplit(file, split);
    expect(await readSplit(file)).toEqual(split);

    const broken = { format: 'fedstroke-split/1', ...split, test: [...split.test, split.sites[0].train[0]] };
    await fs.writeFile(file, JSON.stringify(broken));
    await expect(readSplit(file)).rejects.toThrow(/is in both test and site-1.train/);
    await fs.writeFile(file, '{"format":"something-else"}');
    await expect(readSplit(file)).rejects.toThrow(SplitError);
    await fs.rm(dir, { recursive: true });
  });
});
