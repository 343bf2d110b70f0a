import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { SplitError } from '../errors';
import { assertDisjoint, DatasetSplit, SiteSplit } from './dataset-split';
import { parseSiteMap, SiteMap } from './site-map-split';

const FORMAT = 'fedstroke-split/1';

/** Writes the split as pretty JSON through a temporary file and a rename, so a crash never leaves half a file. */
export async function writeSplit(file: string, split: DatasetSplit): Promise<void> {
  assertDisjoint(split, file);
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await fs.writeFile(temporary, `${JSON.stringify({ format: FORMAT, ...split }, null, 2)}\n`);
  await fs.rename(temporary, file);
}

/** Reads and validates a split written by writeSplit (or by hand): shape, string ids, disjoint sets. */
export async function readSplit(file: string): Promise<DatasetSplit> {
  let json: unknown;
  try {
    json = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (error) {
    throw new SplitError(`${file}: cannot read split JSON (${(error as Error).message})`);
  }
  const record = json as { format?: unknown; test?: unknown; sites?: unknown };
  if (record === null || typeof record !== 'object' || record.format !== FORMAT)
    throw new SplitError(`${file}: expected a JSON object with "format": "${FORMAT}"`);
  const split: DatasetSplit = {
    test: stringList(record.test, `${file}: test`),
    sites: siteList(record.sites, file),
  };
  assertDisjoint(split, file);
  return split;
}

function stringList(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || value.some((id) => typeof id !== 'string'))
    throw new SplitError(`${where} must be an array of case id strings`);
  return value as string[];
}

function siteList(value: unknown, file: string): SiteSplit[] {
  if (!Array.isArray(value) || value.length === 0)
    throw new SplitError(`${file}: sites must be a non-empty array of { name, train, val }`);
  return value.map((site: { name?: unknown; train?: unknown; val?: unknown }, index) => {
    if (typeof site?.name !== 'string') throw new SplitError(`${file}: sites[${index}].name must be a string`);
    return {
      name: site.name,
      train: stringList(site.train, `${file}: sites[${index}].train`),
      val: stringList(site.val, `${file}: sites[${index}].val`),
    };
  });
}

/** Reads a site map (case id → site name), e.g. the site-map.json that `fedstroke synth` writes. */
export async function readSiteMap(file: string): Promise<SiteMap> {
  let json: unknown;
  try {
    json = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (error) {
    throw new SplitError(`${file}: cannot read site map JSON (${(error as Error).message})`);
  }
  return parseSiteMap(json, file);
}
