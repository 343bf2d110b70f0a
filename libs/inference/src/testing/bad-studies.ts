/**
 * Broken inputs built from the real ISLES'22 DWI, for the refusal tests of the lib and the coordinator: a truncated
 * .nii, a 4-D file, a header that claims an absurd size, and the T2 chronic-lesion fixture (another grid entirely).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readNifti, writeNifti } from '@fedstroke/nifti';

export const FIXTURES = resolve(__dirname, '../../../../../shared/fixtures');
export const CASE_DIR = join(FIXTURES, 'isles22-case0001');
export const CASE_DWI = join(CASE_DIR, 'sub-strokecase0001_ses-0001_dwi.nii.gz');
export const CASE_ADC = join(CASE_DIR, 'sub-strokecase0001_ses-0001_adc.nii.gz');
export const T2 = join(FIXTURES, 't2-chronic-lesion', 'T2.nii');

export interface BadStudyFiles {
  truncated: string;
  fourD: string;
  absurdSize: string;
}

/** Writes the broken files into `dir` (a few MB; about a second). */
export async function writeBadStudyFiles(dir: string): Promise<BadStudyFiles> {
  const dwi = await readNifti(CASE_DWI);
  const whole = join(dir, 'whole.nii');
  await writeNifti(whole, dwi);
  const bytes = await readFile(whole);
  const truncated = join(dir, 'truncated_dwi.nii');
  await writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));

  const fourD = join(dir, 'four_d_dwi.nii.gz');
  const frames = new Float32Array(dwi.data.length * 2);
  frames.set(dwi.data);
  frames.set(dwi.data, dwi.data.length);
  await writeNifti(fourD, { ...dwi, data: frames, frames: 2 });

  // NIfTI-1 dim[1..3] are int16 at byte 42: claim 4096³ voxels (~69 G) with only a tiny body behind the header.
  const absurdSize = join(dir, 'absurd_dwi.nii');
  const header = Buffer.from(bytes.subarray(0, 352 + 64));
  for (let axis = 0; axis < 3; axis++) header.writeInt16LE(4096, 42 + axis * 2);
  await writeFile(absurdSize, header);
  return { truncated, fourD, absurdSize };
}
