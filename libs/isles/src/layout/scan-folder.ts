import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { Modality, modalityOf } from './case-files';

export type ModalityFiles = Partial<Record<Modality, string[]>>;

/** Sub-folder names, sorted so discovery never depends on file-system order; [] when `dir` does not exist. */
export async function subfolders(dir: string): Promise<string[]> {
  try {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    return entries
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/**
 * NIfTI files of known modality in `dir` and its sub-folders down to `depth` levels (ISLES'22 puts them either flat
 * in the session folder or in `dwi/` and `anat/`). Several files of one modality are all returned; the caller decides.
 */
export async function scanModalities(dir: string, depth = 1): Promise<ModalityFiles> {
  const found: ModalityFiles = {};
  const visit = async (folder: string, depth: number): Promise<void> => {
    let entries;
    try {
      entries = await fs.readdir(folder, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory() && depth > 0) await visit(full, depth - 1);
      else if (entry.isFile()) {
        const modality = modalityOf(entry.name);
        if (modality) (found[modality] ??= []).push(full);
      }
    }
  };
  await visit(dir, depth);
  return found;
}
