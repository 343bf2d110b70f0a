/**
 * Gives each simulated hospital a folder of its own: the site's training and validation cases in the ISLES'22
 * layout (hard links, or copies across file systems) plus `site-split.json` saying which validate. A site agent is
 * pointed at this folder only, so it cannot read another site's cases or the independent test set.
 */
import { copyFile, link, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { writeSplit, type CaseFiles, type DatasetSplit } from '@fedstroke/isles';
import { InvalidArgumentError } from '@fedstroke/common';

export const SITE_SPLIT_FILE = 'site-split.json';

export interface SiteFolder {
  name: string;
  dir: string;
  train: string[];
  val: string[];
}

/** Creates `<root>/site-<k>` for every site of the split (replacing an earlier one), 1-based. */
export async function materializeSiteFolders(
  dataRoot: string,
  cases: readonly CaseFiles[],
  split: DatasetSplit,
  root: string,
): Promise<SiteFolder[]> {
  const byId = new Map(cases.map((c) => [c.id, c]));
  const folders: SiteFolder[] = [];
  for (const [index, site] of split.sites.entries()) {
    const dir = join(root, `site-${index + 1}`);
    await rm(dir, { recursive: true, force: true });
    for (const id of [...site.train, ...site.val]) {
      const files = byId.get(id);
      if (!files) throw new InvalidArgumentError(`split names case ${id}, which ${dataRoot} does not have`);
      for (const file of [files.dwi, files.adc, files.flair, files.mask]) {
        if (file) await linkOrCopy(file, join(dir, relative(dataRoot, file)));
      }
    }
    await writeSplit(join(dir, SITE_SPLIT_FILE), {
      test: [],
      sites: [{ name: site.name, train: site.train, val: site.val }],
    });
    folders.push({ name: site.name, dir, train: site.train, val: site.val });
  }
  return folders;
}

async function linkOrCopy(source: string, target: string): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  try {
    await link(source, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'EMLINK') throw error;
    await copyFile(source, target);
  }
}

/** Number of files under a folder (for the log line). */
export async function countFiles(dir: string): Promise<number> {
  let count = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) count += await countFiles(join(dir, entry.name));
    else if ((await stat(join(dir, entry.name))).isFile()) count++;
  }
  return count;
}
