import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSplit } from '@fedstroke/isles';
import { resolveSplit, SITE_MAP_FILE } from './resolve-split';

const ids = Array.from({ length: 12 }, (_, i) => `sub-strokecase${String(i + 1).padStart(4, '0')}`);

describe('resolveSplit', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'fedstroke-split-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('takes a split file as given when every case it names is in the dataset', async () => {
    const file = join(dir, 'split.json');
    const split = {
      test: [ids[0]],
      sites: [
        { name: 'north', train: ids.slice(1, 6), val: [ids[6]] },
        { name: 'south', train: ids.slice(7, 11), val: [ids[11]] },
      ],
    };
    await writeSplit(file, split);
    expect(await resolveSplit(dir, ids, file)).toEqual(split);
  });

  it('refuses a split file naming a case the dataset does not have, or a site without training cases', async () => {
    const file = join(dir, 'split.json');
    await writeSplit(file, { test: ['sub-strokecase0999'], sites: [{ name: 'a', train: [ids[0]], val: [] }] });
    await expect(resolveSplit(dir, ids, file)).rejects.toThrow(
      `${file} names 1 case(s) that ${dir} does not have (or that were skipped as incomplete): sub-strokecase0999`,
    );
    await writeSplit(file, { test: [ids[0]], sites: [{ name: 'a', train: [], val: [ids[1]] }] });
    await expect(resolveSplit(dir, ids, file)).rejects.toThrow(`${file}: site a has no training case`);
  });

  it("reads the data's site map with the isles site-map reader: one site per center", async () => {
    const map = Object.fromEntries(ids.map((id, i) => [id, i % 2 === 0 ? 'center-a' : 'center-b']));
    await writeFile(join(dir, SITE_MAP_FILE), JSON.stringify(map));
    const split = await resolveSplit(dir, ids);
    expect(split.sites.map((s) => s.name)).toEqual(['center-a', 'center-b']);
    for (const site of split.sites) for (const id of [...site.train, ...site.val]) expect(map[id]).toBe(site.name);
    await writeFile(join(dir, SITE_MAP_FILE), '{ not json');
    await expect(resolveSplit(dir, ids)).rejects.toThrow(/site-map\.json: cannot read site map JSON/);
  });
});
